"""A Redis lock store whose tickets are issued atomically across Rasa replicas.

Rasa 3.6's RedisLockStore reads a conversation's lock, adds a ticket in
Python and writes it back. Two replicas doing that at the same moment can
both get the same ticket and handle one conversation's messages at once,
and then one message's events are lost (seen with a burst of messages from
one parent). Here each change to a lock is a Redis transaction (WATCH,
MULTI, EXEC) that is tried again if another replica changed the lock first.
"""

from __future__ import annotations

import json
from typing import Callable, Tuple, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
Change = Callable[[TicketLock | None], Tuple[TicketLock | None, T]]


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, with every ticket issued and returned in a Redis transaction."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Connect as Rasa's RedisLockStore does, from the `lock_store` section of endpoints.yml."""
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: Change) -> T:
        """Apply ``change`` to the stored lock atomically; ``None`` from it deletes the lock."""
        key = self.key_prefix + conversation_id
        while True:
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    changed, result = change(lock)
                    pipe.multi()
                    if changed is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, changed.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket for the conversation's lock, creating the lock if there is none."""

        def issue(lock: TicketLock | None) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket, and delete the lock when nobody else is waiting for it."""

        def finish(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)
