"""The scaled-out assistant, broken on purpose: replicas killed, databases restarted, bad input, floods.

Everything is real and on loopback: PostgreSQL (tracker store), Redis (lock
store), two Rasa replicas with their action servers, and nginx in front, all
started by deploy/cluster.py as `make cluster` starts them.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests
from playwright.sync_api import sync_playwright

from deploy.cluster import Cluster
from safeguarding.content.loader import get_content
from safeguarding.storage.conversations import ConversationStore
from tests.conftest import MODEL, ROOT
from tests.test_storage import save_conversations, stored_senders
from tests.test_web_pages import CHROMIUM_ARGS

pytestmark = pytest.mark.system

CONTENT = get_content()
ERRORS = CONTENT.web["errors"]
GATEWAY = CONTENT.web["gateway_errors"]
REMINDER = CONTENT.guidance["formats"]["danger_reminder"]
RESULTS = ROOT / "results"
# Written in messages so that the logs can be searched for them afterwards.
MARKER = "zebracrossing"


def _secret_beginning_with_a_dash(size: int) -> str:
    """A random secret such as 1 start in 64 makes: one that a command line could read as an option."""
    return "-" + secrets.token_urlsafe(size)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    assert MODEL.exists(), f"{MODEL} is missing: run `make train`"
    started = time.monotonic()
    with Cluster(replicas=2, make_secret=_secret_beginning_with_a_dash) as running:
        running.start_seconds = time.monotonic() - started
        yield running
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "cluster.json").write_text(
            json.dumps(
                {
                    "replicas": 2,
                    "start_seconds": round(running.start_seconds, 1),
                    "module_seconds": round(time.monotonic() - started, 1),
                    "burst_accepted": getattr(running, "burst_accepted", None),
                },
                indent=2,
            )
        )


class Parent:
    """One parent talking to the assistant through nginx."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.sender = str(uuid.uuid4())

    def post(self, message: str, **kwargs) -> requests.Response:
        return requests.post(
            self.cluster.rest_url, json={"sender": self.sender, "message": message}, timeout=60, **kwargs
        )

    def say(self, message: str) -> List[str]:
        response = self.post(message)
        assert response.status_code == 200, response.text
        return [reply.get("text", "") for reply in response.json()]

    def tracker(self, replica: int = 1) -> Dict:
        """The stored conversation, read through a replica's HTTP API with its token."""
        response = requests.get(
            f"{self.cluster.replica_url(replica)}/conversations/{self.sender}/tracker",
            params={"token": self.cluster.api_token},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def user_messages(self, replica: int = 1) -> List[str]:
        return [e["text"] for e in self.tracker(replica)["events"] if e["event"] == "user"]


def _calm_down() -> None:
    """Let nginx's per-client rate limit refill between tests."""
    time.sleep(6)


# --- faults ------------------------------------------------------------------


def test_a_replica_killed_mid_conversation_is_covered_by_the_other(cluster):
    parent = Parent(cluster)
    parent.say("what is county lines")
    assert (
        "call 999 now"
        in parent.say("a gang is making my son carry drugs and he's been missing since friday")[0]
    )
    cluster.kill_replica(0)
    # Every next message, whichever replica nginx tried first, is answered by the other.
    for _ in range(3):
        replies = parent.say("thank you")
        assert replies[-1].endswith(REMINDER) or REMINDER in " ".join(replies)
    slots = parent.tracker(replica=1)["slots"]
    assert slots["danger_raised"] is True
    assert slots["topic"] == "gangs"
    # The replica comes back and goes on with the same conversation from PostgreSQL.
    cluster.start_replica(0)
    cluster.kill_replica(1)
    replies = parent.say("who can help")
    assert any("Crimestoppers" in r for r in replies)
    assert parent.tracker(replica=0)["slots"]["danger_raised"] is True
    cluster.start_replica(1)
    _calm_down()


def test_postgresql_and_redis_restarted_under_the_running_servers(cluster):
    parent = Parent(cluster)
    parent.say("my daughter has 2 phones")
    parent.say("someone is blackmailing her with pictures")
    before = parent.user_messages()
    postgres_started, redis_run = cluster.postgres_started_at(), cluster.redis_run_id()
    cluster.restart_postgres()
    cluster.restart_redis()
    assert cluster.postgres_started_at() > postgres_started
    assert cluster.redis_run_id() != redis_run
    replies = parent.say("thanks")
    assert REMINDER in " ".join(replies)
    assert parent.user_messages() == [*before, "thanks"]
    _calm_down()


def test_danger_still_gets_999_when_an_action_server_is_down(cluster):
    for replica in range(cluster.replicas):
        cluster.stop_actions(replica)
    try:
        parent = Parent(cluster)
        started = time.monotonic()
        replies = parent.say("a man is waiting outside school for my son right now")
        assert time.monotonic() - started < 30
        assert "call 999 now" in replies[0] and "Never confront" in replies[0]
        # Other questions get a short reply with the helpline and 999, not silence.
        replies = parent.say("who can help with gangs")
        assert any("call 999" in r and "NSPCC Helpline" in r for r in replies)
    finally:
        for replica in range(cluster.replicas):
            cluster.start_actions(replica)
    _calm_down()


# --- security ----------------------------------------------------------------


def test_the_http_api_is_never_reachable_through_nginx(cluster):
    parent = Parent(cluster)
    parent.say("hello")
    for path in (f"/conversations/{parent.sender}/tracker", "/model/parse", "/status", "/version"):
        response = requests.get(f"{cluster.url}{path}", params={"token": cluster.api_token}, timeout=10)
        assert response.status_code == 404, path
        assert response.json() == {"error": GATEWAY["not_found"]}


def test_secrets_beginning_with_a_dash_are_read_as_secrets(cluster):
    secrets_made = [cluster.api_token, cluster.db_password, cluster.redis_password]
    assert all(secret.startswith("-") for secret in secrets_made)
    assert cluster.redis_run_id() and cluster.postgres_started_at()
    url = f"{cluster.replica_url(1)}/status"
    assert requests.get(url, params={"token": cluster.api_token}, timeout=10).status_code == 200


def test_the_api_refuses_calls_without_the_token(cluster):
    parent = Parent(cluster)
    parent.say("hello")
    url = f"{cluster.replica_url(0)}/conversations/{parent.sender}/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "guess"}, timeout=10).status_code == 401
    assert requests.get(url, params={"token": cluster.api_token}, timeout=10).status_code == 200


def test_another_parents_conversation_cannot_be_read_or_joined(cluster):
    first, second = Parent(cluster), Parent(cluster)
    first.say("my son is being made to sell drugs by a gang")
    # The second parent's conversation knows nothing of the first one's.
    assert REMINDER not in " ".join(second.say("thanks"))
    assert second.tracker()["slots"]["danger_raised"] in (None, False)
    # A conversation id that is not a random UUID is refused, so ids cannot be guessed or chosen.
    for sender in ("1", "default", "parent-2"):
        response = requests.post(cluster.rest_url, json={"sender": sender, "message": "hi"}, timeout=10)
        assert response.status_code == 400
        assert response.json() == {"error": ERRORS["sender"]}
    _calm_down()


def test_a_foreign_origin_is_refused(cluster):
    parent = Parent(cluster)
    foreign = {"Origin": "https://elsewhere.example"}
    response = parent.post("hello", headers=foreign)
    assert response.status_code == 403
    assert response.json() == {"error": GATEWAY["foreign_origin"]}
    socket = f"{cluster.url}/socket.io/?EIO=4&transport=polling"
    assert requests.get(socket, headers=foreign, timeout=10).status_code == 403
    own = requests.get(socket, headers={"Origin": cluster.url}, timeout=10)
    assert own.status_code == 200 and '"sid"' in own.text
    assert parent.post("hello", headers={"Origin": cluster.url}).status_code == 200
    _calm_down()


def test_socket_io_long_polling_stays_on_one_replica(cluster):
    """Each poll of a socket.io session must reach the replica that holds the session."""
    base = f"{cluster.url}/socket.io/?EIO=4&transport=polling"
    headers = {"Origin": cluster.url}
    for _ in range(4):
        with requests.Session() as session:
            handshake = session.get(base, headers=headers, timeout=10)
            assert handshake.status_code == 200
            sid = json.loads(handshake.text[1:])["sid"]
            connect = session.post(f"{base}&sid={sid}", data="40", headers=headers, timeout=10)
            assert connect.status_code == 200, connect.text
            poll = session.get(f"{base}&sid={sid}", headers=headers, timeout=10)
            assert poll.status_code == 200 and poll.text.startswith("40"), poll.text
    _calm_down()


def test_the_chat_page_works_through_nginx(cluster):
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page()
        sockets = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.goto(f"{cluster.url}/")
        page.fill("#sg-input", "what is county lines")
        page.press("#sg-input", "Enter")
        page.locator(".sg-bot").first.wait_for(timeout=30_000)
        assert "Gangs groom young people" in page.locator(".sg-bot").first.inner_text()
        browser.close()
    assert sockets and all(url.startswith(f"ws://127.0.0.1:{cluster.port}/socket.io/") for url in sockets)
    _calm_down()


# --- bad input -----------------------------------------------------------------


def test_bad_input_gets_a_clear_answer_and_loses_nothing(cluster):
    parent = Parent(cluster)
    kept = ["my son has 2 phones"]
    parent.say(kept[0])
    url = cluster.rest_url

    def send(body: bytes, content_type: str = "application/json", target: str = url) -> requests.Response:
        return requests.post(target, data=body, headers={"Content-Type": content_type}, timeout=30)

    def body(message: str) -> bytes:
        return json.dumps({"sender": parent.sender, "message": message}).encode()

    limit = CONTENT.web["chat"]["max_length"]
    cases = {
        "empty": (send(body("")), 400, ERRORS["empty"]),
        "whitespace": (send(body("   \n\t ")), 400, ERRORS["empty"]),
        "invalid JSON": (send(b'{"sender": "x", "message": '), 400, ERRORS["not_json"]),
        "wrong content type": (send(body("hi"), "text/plain"), 415, ERRORS["content_type"]),
        "invalid UTF-8": (
            send(b'{"sender": "' + parent.sender.encode() + b'", "message": "\xff\xfe"}'),
            400,
            ERRORS["not_utf8"],
        ),
        "100,000 characters, through nginx": (send(body("a" * 100_000)), 413, GATEWAY["too_big"]),
        "over the limit, at a replica": (
            send(body("a" * (limit + 1)), target=f"{cluster.replica_url(0)}/webhooks/rest/webhook"),
            413,
            ERRORS["too_long"].format(max=limit, length=limit + 1),
        ),
    }
    for name, (response, status, message) in cases.items():
        assert response.status_code == status, name
        assert response.json() == {"error": message}, name

    replies = parent.say("😢😢😢")
    assert replies and all(isinstance(r, str) for r in replies)
    kept.append("😢😢😢")

    script = f'<script>alert("{MARKER}")</script><b>bold</b>'
    replies = parent.say(script)
    assert replies and not any("<script>" in r for r in replies)
    kept.append(script)

    spanish = "mi hijo tiene un teléfono nuevo y no sé quién se lo dio"
    english_only = parent.say(spanish)
    assert "I can only read English" in english_only[0] and "999" in english_only[0]
    kept.append(spanish)

    mixed = "mi hija... a man is threatening to kill her"
    assert "call 999 now" in parent.say(mixed)[0]
    kept.append(mixed)

    # Nothing refused was stored, nothing accepted was lost, and the script is kept as text.
    assert parent.user_messages() == kept
    assert requests.get(f"{cluster.url}/", timeout=10).status_code == 200
    _calm_down()


def test_a_burst_of_200_messages_is_rate_limited_clearly_and_loses_nothing(cluster):
    parent = Parent(cluster)
    parent.say(f"my son has a second phone {MARKER}")
    _calm_down()

    def send(i: int) -> tuple[str, int, Dict]:
        response = requests.post(
            cluster.rest_url, json={"sender": parent.sender, "message": f"hi {i}"}, timeout=120
        )
        return f"hi {i}", response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(send, range(200)))
    statuses = [status for _, status, _ in results]
    assert set(statuses) == {200, 429}
    assert all(body == {"error": GATEWAY["too_many"]} for _, status, body in results if status == 429)
    accepted = {text for text, status, _ in results if status == 200}
    cluster.burst_accepted = len(accepted)
    assert 5 <= len(accepted) < 100
    _calm_down()
    # The server is up, the parent can go on, and every accepted message is stored.
    assert parent.say("thanks")
    messages = parent.user_messages()
    assert messages[0] == f"my son has a second phone {MARKER}"
    assert set(messages[1:-1]) == accepted and len(messages) == len(accepted) + 2
    assert messages[-1] == "thanks"


# --- privacy -------------------------------------------------------------------


def test_forget_deletes_old_conversations_from_postgresql(cluster, monkeypatch):
    for name, value in cluster.database_env().items():
        monkeypatch.setenv(name, value)
    store = ConversationStore()
    save_conversations(store, {"forget-old": 40, "forget-recent": 2})
    command = [
        sys.executable,
        "-m",
        "safeguarding.storage.conversations",
        "--endpoints",
        "deploy/endpoints.yml",
    ]
    env = {**os.environ, **cluster.replica_env(0)}
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 conversations with no message in the last 30 days." in result.stdout
    senders = stored_senders(store)
    assert "forget-recent" in senders and "forget-old" not in senders


def test_no_message_text_in_the_logs(cluster):
    parent = Parent(cluster)
    parent.say(f"my daughter {MARKER} is meeting a man from snapchat tonight")
    logs = sorted(Path(cluster.logs).glob("*.log"))
    assert any(log.name.startswith("rasa-") for log in logs)
    assert [log.name for log in logs if MARKER in log.read_text(errors="replace")] == []
