"""The Redis lock store issues each ticket once, however many replicas ask at the same moment."""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest
import redis
from rasa.utils.endpoints import EndpointConfig

from safeguarding.locks import AtomicRedisLockStore
from tests.servers import free_port


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory) -> Iterator[int]:
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
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
