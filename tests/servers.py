"""Start and stop the real servers the end-to-end tests talk to: Rasa, the action server, the web pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

from deploy.servers import ServerDidNotStart, free_port, http_ok, wait_until_answers
from tests import tiers
from tests.conftest import MODEL, ROOT

VENV_BIN = Path(sys.executable).parent
LOGS = ROOT / "results" / "server-logs"
START_TIMEOUT = 240


def start(name: str, args: List[str], url: str, env: Dict[str, str] | None = None) -> subprocess.Popen:
    tiers.require("system", f"Starting a server ({name})")
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT), **(env or {}))
    with log.open("w") as handle:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        wait_until_answers(lambda: http_ok(url), url, process, log, START_TIMEOUT)
    except ServerDidNotStart:
        stop(process)
        raise
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def start_actions(name: str = "actions") -> tuple[subprocess.Popen, int]:
    port = free_port()
    args = [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)]
    return start(name, args, f"http://127.0.0.1:{port}/health"), port


def start_rasa(
    name: str,
    action_port: int,
    directory: Path,
    extra: List[str] | None = None,
    database: Path | None = None,
) -> tuple[subprocess.Popen, int]:
    """Start a Rasa server; with ``database``, conversations are kept in that SQLite file."""
    rasa_port = free_port()
    endpoints = directory / "endpoints.yml"
    config = f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
    if database:
        config += "tracker_store:\n  type: safeguarding.storage.conversations.ConversationStore\n"
    endpoints.write_text(config)
    env = {"SAFEGUARDING_DB_NAME": str(database)} if database else None
    args = [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--endpoints", str(endpoints)]
    args += ["--credentials", "credentials.yml", "--interface", "127.0.0.1", "--port", str(rasa_port)]
    args += extra or []
    return start(name, args, f"http://127.0.0.1:{rasa_port}/", env), rasa_port
