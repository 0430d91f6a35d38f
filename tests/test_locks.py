"""The Redis lock store issues each ticket once, however many replicas ask at the same moment,
and lets one message of a conversation be handled at a time."""

from __future__ import annotations

import asyncio
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest
import redis
from rasa.utils.endpoints import EndpointConfig

from deploy.servers import free_port, wait_until_answers
from safeguarding.storage.locks import AtomicRedisLockStore

pytestmark = pytest.mark.system


def _wait_for_redis(port: int) -> None:
    client = redis.Redis(host="127.0.0.1", port=port)
    wait_until_answers(client.ping, f"redis-server on port {port}", timeout=10)


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory) -> Iterator[int]:
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    _wait_for_redis(port)
    yield port
    server.terminate()
    server.wait(timeout=10)


def _store(port: int) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=port, key_prefix="test"))


def test_two_replicas_asking_at_once_never_get_the_same_ticket(redis_port):
    replicas = [_store(redis_port), _store(redis_port)]

    def ask(i: int) -> int:
        return replicas[i % 2].issue_ticket("conversation-1")

    with ThreadPoolExecutor(max_workers=16) as pool:
        tickets = list(pool.map(ask, range(400)))
    assert sorted(tickets) == list(range(400))


def test_the_lock_is_deleted_when_the_last_ticket_is_returned(redis_port):
    store = _store(redis_port)
    first = store.issue_ticket("conversation-2")
    second = store.issue_ticket("conversation-2")
    store.cleanup("conversation-2", first)
    assert store.get_lock("conversation-2").is_locked(second) is False
    store.cleanup("conversation-2", second)
    assert store.get_lock("conversation-2") is None


def test_an_expired_ticket_no_longer_holds_the_lock(redis_port):
    store = _store(redis_port)
    stale = store.issue_ticket("conversation-3", lock_lifetime=0.05)
    time.sleep(0.1)
    fresh = store.issue_ticket("conversation-3")
    lock = store.get_lock("conversation-3")
    assert (stale, fresh) == (0, 0)
    assert [ticket.number for ticket in lock.tickets] == [0]
    assert lock.is_locked(fresh) is False


def test_waiting_drops_expired_tickets_and_keeps_the_others(redis_port):
    store = _store(redis_port)
    store.issue_ticket("conversation-4", lock_lifetime=0.05)
    waiting = store.issue_ticket("conversation-4")
    time.sleep(0.1)
    store.update_lock("conversation-4")
    lock = store.get_lock("conversation-4")
    assert [ticket.number for ticket in lock.tickets] == [waiting]
    assert lock.is_locked(waiting) is False


def test_a_second_message_waits_until_the_first_is_handled_on_another_replica(redis_port):
    first_replica, second_replica = _store(redis_port), _store(redis_port)
    order: list[str] = []

    async def handle(store: AtomicRedisLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock("conversation-5", wait_time_in_seconds=0.01):
            order.append(f"{name} starts")
            await asyncio.sleep(0.2)
            order.append(f"{name} ends")

    async def both() -> None:
        await asyncio.gather(handle(first_replica, "first", 0), handle(second_replica, "second", 0.05))

    asyncio.run(both())
    assert order == ["first starts", "first ends", "second starts", "second ends"]
    assert first_replica.get_lock("conversation-5") is None


def test_tickets_are_issued_again_after_redis_restarts(tmp_path):
    port = free_port()
    args = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(tmp_path)]
    store = _store(port)
    for _ in range(2):
        server = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        try:
            _wait_for_redis(port)
            ticket = store.issue_ticket("conversation-6")
            store.cleanup("conversation-6", ticket)
            assert ticket == 0 and store.get_lock("conversation-6") is None
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_a_lock_whose_tickets_all_expired_reads_as_empty(redis_port):
    store = _store(redis_port)
    store.issue_ticket("conversation-7", lock_lifetime=0.05)
    time.sleep(0.1)
    store.update_lock("conversation-7")
    lock = store.get_lock("conversation-7")
    assert lock.conversation_id == "conversation-7"
    assert list(lock.tickets) == [] and lock.is_someone_waiting() is False
    assert store.issue_ticket("conversation-7") == 0
