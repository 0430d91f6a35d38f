"""A Redis lock store whose tickets are issued atomically across Rasa replicas.

Rasa 3.6's RedisLockStore reads a conversation's lock, adds a ticket in
Python and writes it back. Two replicas doing that at the same moment can
both get the same ticket and handle one conversation's messages at once,
and then one message's events are lost (seen with a burst of messages from
one parent). Here every change to a lock is one Lua script, which Redis runs
without interruption: atomic, and a single round trip to Redis.

The lock is stored in Rasa's own format (a JSON object whose ``tickets`` are
JSON strings), so Rasa's ``get_lock`` reads it unchanged. Times come from the
replica's clock, as in Rasa.
"""

from __future__ import annotations

import time

import redis
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Shared by the scripts: the lock's unexpired tickets, and how to store them again
# (no tickets are encoded as {}, which Rasa reads as an empty list too).
_TICKETS = """
local function unexpired(raw, now)
  local tickets = {}
  if raw then
    for _, text in ipairs(cjson.decode(raw).tickets or {}) do
      local ticket = cjson.decode(text)
      if ticket.expires >= now then table.insert(tickets, ticket) end
    end
  end
  return tickets
end
local function store(key, conversation_id, tickets)
  local texts = {}
  for i, ticket in ipairs(tickets) do texts[i] = cjson.encode(ticket) end
  redis.call('SET', key, cjson.encode({conversation_id = conversation_id, tickets = texts}))
end
"""

# KEYS[1] lock key; ARGV: conversation id, now, lifetime. Returns the new ticket's number.
_ISSUE = (
    _TICKETS
    + """
local tickets = unexpired(redis.call('GET', KEYS[1]), tonumber(ARGV[2]))
local number = 0
if #tickets > 0 then number = tickets[#tickets].number + 1 end
table.insert(tickets, {number = number, expires = tonumber(ARGV[2]) + tonumber(ARGV[3])})
store(KEYS[1], ARGV[1], tickets)
return number
"""
)

# KEYS[1] lock key; ARGV: conversation id, now, ticket number. Deletes the lock when nobody waits.
_RETURN = (
    _TICKETS
    + """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local kept = {}
for _, ticket in ipairs(unexpired(raw, tonumber(ARGV[2]))) do
  if ticket.number ~= tonumber(ARGV[3]) then table.insert(kept, ticket) end
end
if #kept == 0 then redis.call('DEL', KEYS[1]) else store(KEYS[1], ARGV[1], kept) end
return #kept
"""
)

# KEYS[1] lock key; ARGV: conversation id, now. Drops expired tickets, as Rasa's update_lock does.
_EXPIRE = (
    _TICKETS
    + """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local tickets = unexpired(raw, tonumber(ARGV[2]))
store(KEYS[1], ARGV[1], tickets)
return #tickets
"""
)


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store, with every ticket issued and returned by one atomic Redis script."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Connect as Rasa's RedisLockStore does, from the `lock_store` section of endpoints.yml."""
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)
        # redis-py sends each script by its hash, and loads it again after a Redis restart.
        self._issue = self.red.register_script(_ISSUE)
        self._return = self.red.register_script(_RETURN)
        self._expire = self.red.register_script(_EXPIRE)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket for the conversation's lock, creating the lock if there is none."""
        key = self.key_prefix + conversation_id
        args = [conversation_id, repr(time.time()), repr(lock_lifetime)]
        try:
            return int(self._issue(keys=[key], args=args))
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket, and delete the lock when nobody else is waiting for it."""
        key = self.key_prefix + conversation_id
        self._return(keys=[key], args=[conversation_id, repr(time.time()), int(ticket_number)])

    def update_lock(self, conversation_id: str) -> None:
        """Drop the lock's expired tickets (Rasa does this while a message waits its turn)."""
        self._expire(keys=[self.key_prefix + conversation_id], args=[conversation_id, repr(time.time())])
