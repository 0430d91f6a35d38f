"""Servers started by the tests, the cluster and the benchmark get ports no client connection can take."""

from __future__ import annotations

import socket

from deploy.cluster import _outgoing_ports, free_port


def test_ports_are_distinct_bindable_and_outside_the_outgoing_range():
    outgoing = _outgoing_ports()
    ports = [free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
    assert not [port for port in ports if port in outgoing]
    for port in ports[:20]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))
