"""End to end: the real Rasa server and action server, talked to over the REST channel."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Iterator, List

import pytest
import requests
import yaml

from safeguarding.rasa_patches import unavailable_text
from tests.conftest import MODEL, ROOT
from tests.servers import start_actions, start_rasa, stop

pytestmark = pytest.mark.system


class Assistant:
    """The running servers, and a way to talk to them as one parent."""

    def __init__(self, rasa_port: int, actions: subprocess.Popen | None) -> None:
        self.url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
        self.actions = actions

    def conversation(self) -> Conversation:
        return Conversation(self.url)


class Conversation:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sender = str(uuid.uuid4())

    def say(self, text: str) -> List[Dict]:
        response = requests.post(self.url, json={"sender": self.sender, "message": text}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()


def texts(replies: List[Dict]) -> List[str]:
    return [reply.get("text", "") for reply in replies]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Iterator[Assistant]:
    assert MODEL.exists(), f"{MODEL} is missing: run `make train`"
    actions, action_port = start_actions()
    rasa, rasa_port = start_rasa("rasa", action_port, tmp_path_factory.mktemp("rasa"))
    yield Assistant(rasa_port, actions)
    stop(rasa)
    stop(actions)


class _SlowActionServer(BaseHTTPRequestHandler):
    """An action server that takes a minute to answer."""

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        time.sleep(60)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def assistant_with_slow_actions(tmp_path_factory) -> Iterator[Assistant]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowActionServer)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rasa, rasa_port = start_rasa("rasa-slow-actions", server.server_port, tmp_path_factory.mktemp("slow"))
    yield Assistant(rasa_port, None)
    stop(rasa)
    server.shutdown()


def test_greeting_says_it_is_not_a_person_and_gives_999(assistant):
    replies = assistant.conversation().say("hiya")
    assert "automated assistant, not a person" in replies[0]["text"]
    assert "call 999" in replies[0]["text"]
    # A payload's braces reach the parent's button as written, not taken for a slot.
    grooming = {"title": "What is grooming?", "payload": '/ask_topic{"topic":"grooming"}'}
    assert grooming in replies[-1]["buttons"]


def test_a_parent_describing_two_phones_gets_the_sign_explained_and_a_question(assistant):
    replies = assistant.conversation().say("my 14 yr old has two phones")
    assert replies[0]["text"].startswith("Having more than one phone or duplicate social media accounts.")
    assert "This doesn't mean your child is being groomed" in replies[1]["text"]
    question = replies[-1]
    assert question["text"].endswith("Have you noticed any of these?")
    assert [b["title"] for b in question["buttons"]][-3:] == ["No", "Not sure", "What should I do?"]


def test_a_triage_ends_in_a_summary_with_the_next_steps(assistant):
    chat = assistant.conversation()
    chat.say("he has 2 phones and stays out all night")
    replies = texts(chat.say("what should i do"))
    summary = "\n".join(replies)
    assert replies[0] == "Here's a summary of what you've told me."
    assert "Having more than one phone" in summary and "Staying out all night" in summary
    assert "can point to sexual exploitation or gangs and county lines" in summary
    assert "Never confront a potential abuser yourself" in summary
    assert "NSPCC Helpline" in summary


def test_danger_in_the_middle_of_the_triage_escalates_then_returns_to_it(assistant):
    chat = assistant.conversation()
    chat.say("my daughter has been getting messages from numbers i dont know")
    replies = texts(chat.say("she's meeting a man she met online tonight"))
    assert "call 999 now" in replies[0] and "Never confront" in replies[0]
    assert "CEOP" in "\n".join(replies[1:])
    assert replies[-1].endswith(
        "Have you noticed any of these?\n\nRemember: if a child is in immediate danger, call 999."
    )


def test_once_danger_is_raised_later_replies_keep_the_999_line(assistant):
    chat = assistant.conversation()
    chat.say("a man from snapchat is threatening to share my son's photos")
    assert "call 999" in " ".join(texts(chat.say("no you misunderstood, it's fine")))
    assert texts(chat.say("who can help with this"))[-1].endswith("call 999.")
    assert "call 999" in texts(chat.say("thanks"))[-1]
    replies = texts(chat.say("he says he'll post them tonight unless my son pays"))
    assert "call 999 now" in replies[0]


def test_danger_mid_conversation_gets_999_first_then_the_service(assistant):
    chat = assistant.conversation()
    chat.say("hello")
    chat.say("what are the signs of grooming")
    replies = texts(chat.say("my daughter is going to meet a man she met online tonight"))
    assert "call 999 now" in replies[0]
    assert "18000" in replies[0]
    assert "Never confront a potential abuser yourself" in replies[0]
    followup = "\n".join(replies[1:])
    assert "CEOP" in followup
    assert "Keep your child with you" in followup


def test_a_parent_who_will_confront_is_told_not_to(assistant):
    replies = texts(assistant.conversation().say("i'm going to go round there and sort him out"))
    assert replies[0].startswith("Please don't confront him")
    assert "keep the evidence" in replies[0]


def test_quilliam_is_never_offered(assistant):
    replies = " ".join(texts(assistant.conversation().say("is quilliam still going")))
    assert "Quilliam closed in April 2021" in replies
    assert "ACT Early Support Line" in replies
    assert "quilliamfoundation.org" not in replies


def test_danger_still_gets_999_when_the_action_server_is_down(assistant):
    in_triage = assistant.conversation()
    assert texts(in_triage.say("my son has a second phone"))[-1].endswith("Have you noticed any of these?")
    stop(assistant.actions)
    started = time.monotonic()
    replies = texts(assistant.conversation().say("someone is blackmailing my son with pictures"))
    assert time.monotonic() - started < 30
    assert any("call 999 now" in r and "Never confront" in r for r in replies)
    # In the middle of the triage too, although the form cannot reach its actions.
    started = time.monotonic()
    replies = texts(in_triage.say("a man is waiting outside school for him right now"))
    assert time.monotonic() - started < 30
    assert "call 999 now" in replies[0] and "Never confront" in replies[0]
    # Other questions get a short reply with 999 and the helpline, not silence.
    replies = texts(assistant.conversation().say("who can help with grooming"))
    assert replies == [unavailable_text()]
    assert "call 999" in replies[0] and "NSPCC Helpline on 0808 800 5000" in replies[0]


def test_danger_gets_999_within_seconds_when_the_action_server_hangs(assistant_with_slow_actions):
    started = time.monotonic()
    replies = texts(assistant_with_slow_actions.conversation().say("my son has been stabbed"))
    assert time.monotonic() - started < 20  # the action call gives up after 5 s, not Rasa's 300 s
    assert "call 999 now" in replies[0] and "Never confront" in replies[0]


def test_danger_said_later_in_a_conversation_still_escalates(assistant):
    conversations = [
        turns
        for tier in ("dev", "frozen")
        for turns in yaml.safe_load(
            (ROOT / "tests" / "sets" / f"danger_{tier}.yml").read_text(encoding="utf-8")
        )["conversations"]
    ]
    missed = []
    for turns in conversations:
        chat = assistant.conversation()
        for turn in turns[:-1]:
            chat.say(turn)
        replies = texts(chat.say(turns[-1]))
        if not replies or "call 999 now" not in replies[0]:
            missed.append(turns)
    assert missed == []
