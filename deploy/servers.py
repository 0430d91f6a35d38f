"""Servers on this machine: a free port for each, and one way to wait until a server answers.

The cluster, the end-to-end tests, the benchmark and `make run` all use these.

    python -m deploy.servers http://127.0.0.1:5005/ http://127.0.0.1:8080/   # wait until both answer
"""

from __future__ import annotations

import argparse
import random
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable

import requests

_PORTS_GIVEN: set[int] = set()


def _outgoing_ports() -> range:
    """The ports the kernel gives to outgoing connections (Linux's ip_local_port_range)."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_port() -> int:
    """A free TCP port on loopback for a server, never the same twice in this process.

    It is chosen below the ports the kernel gives to outgoing connections, so a
    client connection (a load test opens thousands) cannot take it in the moment
    between this check and the server binding it.
    """
    outgoing = _outgoing_ports()
    low, high = (10000, outgoing.start - 1) if outgoing.start > 11000 else (outgoing.stop, 65535)
    while True:
        port = random.randint(low, high)
        if port in _PORTS_GIVEN:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _PORTS_GIVEN.add(port)
        return port


class ServerDidNotStart(RuntimeError):
    """A server that exited, or did not answer in time; the message ends with its log."""


def http_ok(url: str) -> bool:
    """True when a GET of ``url`` answers with a success status."""
    return requests.get(url, timeout=2).ok


def wait_until_answers(
    answers: Callable[[], bool],
    what: str,
    process: subprocess.Popen | None = None,
    log: Path | None = None,
    timeout: float = 300,
) -> None:
    """Wait until ``answers()`` is true; fail at once if ``process`` exits, or after ``timeout`` seconds.

    An exception from ``answers`` (a refused connection) means "not yet".
    """
    deadline = time.monotonic() + timeout
    last_error = ""
    while True:
        if process is not None and process.poll() is not None:
            raise ServerDidNotStart(f"{what} exited with {process.returncode}{_tail(log)}")
        try:
            if answers():
                return
        except Exception as error:  # noqa: BLE001 - not up yet
            last_error = f" (last: {type(error).__name__})"
        if time.monotonic() > deadline:
            raise ServerDidNotStart(f"{what} did not answer in {timeout:.0f} s{last_error}{_tail(log)}")
        time.sleep(0.1)


def _tail(log: Path | None) -> str:
    """The end of a server's log, to show why it did not start."""
    if log is None or not log.exists():
        return ""
    return f"; {log}:\n{log.read_text(errors='replace')[-3000:]}"


def main() -> None:
    """Wait until every address given answers, or say which did not."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    for url in args.urls:
        try:
            wait_until_answers(lambda: http_ok(url), url, timeout=args.timeout)  # noqa: B023 - called at once
        except ServerDidNotStart as error:
            raise SystemExit(str(error)) from None


if __name__ == "__main__":
    main()
