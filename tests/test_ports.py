"""Servers started by the tests, the cluster and the benchmark: ports no client can take, and waiting."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from deploy.servers import ServerDidNotStart, _outgoing_ports, free_port, wait_until_answers


def test_ports_are_distinct_bindable_and_outside_the_outgoing_range():
    outgoing = _outgoing_ports()
    ports = [free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
    assert not [port for port in ports if port in outgoing]
    for port in ports[:20]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_waiting_goes_on_through_refusals_until_the_server_answers():
    calls = []

    def answers() -> bool:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionRefusedError
        return len(calls) >= 4

    wait_until_answers(answers, "a server", timeout=10)
    assert len(calls) == 4


def test_waiting_stops_at_once_when_the_server_exits_and_shows_its_log(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("address already in use")
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    with pytest.raises(ServerDidNotStart, match="(?s)exited with 3.*address already in use"):
        wait_until_answers(lambda: False, "a server", process, log, timeout=60)


def test_waiting_gives_up_after_the_timeout():
    started = time.monotonic()
    with pytest.raises(ServerDidNotStart, match="did not answer in 1 s"):
        wait_until_answers(lambda: False, "a server", timeout=1)
    assert time.monotonic() - started < 5
