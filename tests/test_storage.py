"""Conversations kept in SQLite survive a restart, and old ones are deleted after the retention period."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, List

import pytest
import requests
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from safeguarding.content.loader import get_content
from safeguarding.storage.conversations import DAY, ConversationStore
from tests.conftest import MODEL, ROOT
from tests.servers import start_actions, start_rasa, stop

REMINDER = get_content().guidance["formats"]["danger_reminder"]


def _say(port: int, sender: str, text: str) -> List[str]:
    response = requests.post(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert response.status_code == 200, response.text
    return [reply.get("text", "") for reply in response.json()]


@pytest.mark.system
def test_a_conversation_goes_on_after_the_rasa_server_restarts(tmp_path):
    assert MODEL.exists(), f"{MODEL} is missing: run `make train`"
    database = tmp_path / "conversations.db"
    actions, action_port = start_actions("actions-sqlite")
    servers = [actions]
    try:
        sender = str(uuid.uuid4())
        rasa, port = start_rasa("rasa-sqlite", action_port, tmp_path, database=database)
        servers.append(rasa)
        _say(port, sender, "my son has two phones")
        assert "call 999 now" in _say(port, sender, "a man is threatening to hurt my son")[0]
        stop(rasa)
        assert database.exists()
        rasa, port = start_rasa("rasa-sqlite-again", action_port, tmp_path, database=database)
        servers.append(rasa)
        # The restarted server goes on with the triage: it knows the sign noticed and the danger raised.
        summary = " ".join(_say(port, sender, "what should i do"))
        assert "Having more than one phone" in summary
        assert REMINDER in summary
    finally:
        for server in servers:
            stop(server)


def _tracker(sender: str, when: float) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen", timestamp=when),
        UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=when + 1),
        BotUttered("Hello.", timestamp=when + 2),
    ]
    return DialogueStateTracker.from_events(sender, events)


def save_conversations(store: ConversationStore, ages_in_days: Dict[str, float]) -> None:
    """Store one short conversation per sender, its last message ``age`` days ago."""
    now = time.time()

    async def save_all() -> None:
        for sender, age in ages_in_days.items():
            await store.save(_tracker(sender, now - age * DAY - 2))

    asyncio.run(save_all())


def stored_senders(store: ConversationStore) -> set[str]:
    return set(asyncio.run(store.keys()))


def test_forget_deletes_only_conversations_older_than_the_retention_period(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEGUARDING_DB_NAME", str(tmp_path / "conversations.db"))
    store = ConversationStore(retention_days=30)
    save_conversations(store, {"old": 45, "just-old": 30.5, "recent": 29, "today": 0})
    assert store.forget_older_than(30) == 2
    assert stored_senders(store) == {"recent", "today"}


def test_the_forget_command_uses_the_retention_setting_of_the_endpoints_file(tmp_path, monkeypatch, capsys):
    from safeguarding.storage import conversations

    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: safeguarding.storage.conversations.ConversationStore\n  retention_days: 7\n"
    )
    monkeypatch.setenv("SAFEGUARDING_DB_NAME", str(tmp_path / "conversations.db"))
    save_conversations(ConversationStore(), {"ten-days": 10, "three-days": 3})
    # `make forget`: python -m safeguarding.storage.conversations --endpoints ...
    monkeypatch.setattr(sys, "argv", ["conversations", "--endpoints", str(endpoints)])
    conversations.main()
    assert "Deleted 1 conversations with no message in the last 7 days." in capsys.readouterr().out
    assert stored_senders(ConversationStore()) == {"three-days"}


def test_the_default_store_is_an_sqlite_file_under_storage(monkeypatch):
    from safeguarding.storage.conversations import database_settings

    monkeypatch.delenv("SAFEGUARDING_DB_DIALECT", raising=False)
    monkeypatch.delenv("SAFEGUARDING_DB_NAME", raising=False)
    settings = database_settings()
    assert settings["dialect"] == "sqlite"
    assert Path(settings["db"]) == ROOT / "storage" / "conversations.db"
