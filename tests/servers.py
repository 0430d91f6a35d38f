"""Start and stop the real servers the end-to-end tests talk to: Rasa, the action server, the web pages."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

import pytest
import requests

from safeguarding.cluster import free_port
from tests.conftest import MODEL, ROOT

VENV_BIN = Path(sys.executable).parent
LOGS = ROOT / "results" / "server-logs"
START_TIMEOUT = 240


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited with {process.returncode}; see {log}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or too busy starting up to answer within 2 s
        time.sleep(1)
    pytest.fail(f"{url} did not start in {START_TIMEOUT} s; see {log}")


def start(name: str, args: List[str], url: str, env: Dict[str, str] | None = None) -> subprocess.Popen:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT), **(env or {}))
    with log.open("w") as handle:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    _wait_for(url, process, log)
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
        config += "tracker_store:\n  type: safeguarding.stores.ConversationStore\n"
    endpoints.write_text(config)
    env = {"SAFEGUARDING_DB_NAME": str(database)} if database else None
    args = [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--endpoints", str(endpoints)]
    args += ["--credentials", "credentials.yml", "--interface", "127.0.0.1", "--port", str(rasa_port)]
    args += extra or []
    return start(name, args, f"http://127.0.0.1:{rasa_port}/", env), rasa_port
