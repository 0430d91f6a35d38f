"""What the parts of the benchmark share: paths, the environment, starting servers and the starter bot."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List

import requests

from deploy.servers import ServerDidNotStart, free_port, http_ok, wait_until_answers

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
MODEL = ROOT / "models" / "safeguarding.tar.gz"
VENV_BIN = Path(sys.executable).parent
RASA = str(VENV_BIN / "rasa")
PYTHON = str(VENV_BIN / "python")
START_TIMEOUT = 300
SEED = 42

ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "PYTHONPATH": str(ROOT),
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "LOG_LEVEL": "WARNING",
    "PYTHONWARNINGS": "ignore",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


def environment(extra: Dict[str, str] | None = None) -> Dict[str, str]:
    """The environment of this process with the benchmark's settings."""
    return {**os.environ, **ENV, **(extra or {})}


def rss_mb(pid: int) -> float:
    """The resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    for each in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def _children(pid: int) -> List[int]:
    try:
        found = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return found + [grandchild for child in found for grandchild in _children(child)]


@dataclass
class Server:
    """A started process with its log; ``ready_s`` is the time from start to its first answer."""

    name: str
    process: subprocess.Popen
    log: Path
    port: int
    ready_s: float = 0.0

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def stop(self) -> None:
        """Stop the process (and its group) and wait for it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def spawn(name: str, args: List[str], cwd: Path, logs: Path, env: Dict[str, str] | None = None) -> Server:
    """Start a process in its own group, its output going to ``logs/name.log``."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    port = int(args[args.index("--port") + 1])
    with log.open("w") as handle:
        process = subprocess.Popen(
            args,
            cwd=cwd,
            env=environment(env),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, process, log, port)


def _wait(server: Server, answers: Callable[[], bool]) -> None:
    """Wait until the server answers; stop it if it does not."""
    try:
        wait_until_answers(answers, server.name, server.process, server.log, START_TIMEOUT)
    except ServerDidNotStart:
        server.stop()
        raise


def wait_for_health(server: Server) -> None:
    """Wait until an action server answers on /health."""
    _wait(server, lambda: http_ok(f"http://127.0.0.1:{server.port}/health"))


def wait_for_answer(server: Server, started: float) -> None:
    """Send a greeting until the first answer; record the time since ``started``."""

    def answered() -> bool:
        body = {"sender": str(uuid.uuid4()), "message": "hello"}
        response = requests.post(server.rest_url, json=body, timeout=30)
        return response.ok and bool(response.json())

    _wait(server, answered)
    server.ready_s = round(time.monotonic() - started, 2)


@dataclass
class Bot:
    """A bot to load: where it lives, its model, and the extra endpoint settings of its Rasa server."""

    name: str
    folder: Path
    model: Path
    actions_dir: str
    endpoints: str = ""
    env: Dict[str, str] = field(default_factory=dict)
    servers: List[Server] = field(default_factory=list)

    def start(self, logs: Path) -> Server:
        """Start its action server, then its Rasa server; return the Rasa server once it answers."""
        action_port = free_port()
        args = [RASA, "run", "actions", "--actions", self.actions_dir, "--port", str(action_port)]
        actions = spawn(f"{self.name}-actions", args, self.folder, logs)
        self.servers.append(actions)
        wait_for_health(actions)
        endpoints = logs / f"{self.name}-endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n{self.endpoints}'
        )
        args = [RASA, "run", "--model", str(self.model), "--endpoints", str(endpoints)]
        args += ["--credentials", "credentials.yml", "--interface", "127.0.0.1", "--port", str(free_port())]
        started = time.monotonic()
        rasa = spawn(f"{self.name}-rasa", args, self.folder, logs, self.env)
        self.servers.append(rasa)
        wait_for_answer(rasa, started)
        return rasa

    def stop(self) -> None:
        """Stop every server it started."""
        for server in reversed(self.servers):
            server.stop()
        self.servers.clear()


def assistant(work: Path) -> Bot:
    """The assistant as `make run` starts it: conversations in an SQLite file."""
    return Bot(
        "assistant",
        ROOT,
        MODEL,
        "actions",
        "tracker_store:\n  type: safeguarding.storage.conversations.ConversationStore\n"
        "  retention_days: 30\n",
        {"SAFEGUARDING_DB_NAME": str(work / "conversations.db")},
    )


def starter(work: Path) -> Bot:
    """Rasa's starter bot (`rasa init --no-prompt`), created and trained in ``work/starter``."""
    folder = work / "starter"
    if not (folder / "models").exists():
        folder.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        subprocess.run(
            [RASA, "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder,
            env=environment(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        print(f"starter bot created and trained in {time.monotonic() - started:.0f} s", flush=True)
    model = max((folder / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return Bot("starter", folder, model, "actions")


def work_dir() -> Path:
    """A fresh temporary folder for one run."""
    return Path(tempfile.mkdtemp(prefix="safeguarding-bench-"))


def remove(path: Path) -> None:
    """Delete a temporary folder."""
    shutil.rmtree(path, ignore_errors=True)
