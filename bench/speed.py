"""Speed: simulated parents holding multi-turn conversations over the REST channel.

Each parent starts a new conversation (a new random UUID sender) as soon as
the last one ends and sends each turn when the answer to the previous one
arrives. A level runs for a fixed time; the latency of every message is
recorded, and throughput is answered messages per second over the level.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Dict, List, TypeVar

import aiohttp
import yaml

from bench.common import BENCH, SEED, Bot

CONVERSATIONS = yaml.safe_load((BENCH / "conversations.yml").read_text(encoding="utf-8"))
LEVELS = (1, 5, 20)
T = TypeVar("T")


def busy_core_seconds() -> float:
    """The whole machine's busy CPU time so far, in core-seconds (from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, and idle waiting for I/O
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def percentile(values: List[float], share: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def _parent(
    session: aiohttp.ClientSession,
    url: str,
    conversations: List[List[str]],
    seed: int,
    deadline: float,
    latencies: List[float],
    errors: List[str],
) -> None:
    chooser = random.Random(seed)
    while time.monotonic() < deadline:
        sender = str(uuid.uuid4())
        for text in chooser.choice(conversations):
            started = time.monotonic()
            try:
                async with session.post(url, json={"sender": sender, "message": text}) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200:
                        errors.append(f"{response.status}: {str(body)[:200]}")
                        continue
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                errors.append(repr(error))
                continue
            latencies.append(time.monotonic() - started)


async def _level(url: str, conversations: List[List[str]], parents: int, seconds: float) -> Dict[str, float]:
    latencies: List[float] = []
    errors: List[str] = []
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        busy_before = busy_core_seconds()
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(
                _parent(session, url, conversations, SEED + i, deadline, latencies, errors)
                for i in range(parents)
            )
        )
        elapsed = time.monotonic() - started
        busy_after = busy_core_seconds()
    return {
        "parents": parents,
        "messages": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "seconds": round(elapsed, 2),
        "p50_ms": round(1000 * percentile(latencies, 0.50), 1) if latencies else None,
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1) if latencies else None,
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
        "throughput": round(len(latencies) / elapsed, 2),
        # How many of the machine's cores were busy on average (all processes, this one included).
        "busy_cores": round((busy_after - busy_before) / elapsed, 2),
    }


def load(url: str, conversations: List[List[str]], parents: int, seconds: float) -> Dict[str, float]:
    """One level of load: ``parents`` simulated parents for ``seconds``."""
    return asyncio.run(_level(url, conversations, parents, seconds))


def warm_up(url: str, conversations: List[List[str]]) -> None:
    """One pass through every conversation, so that the first measured messages are not the first served."""
    asyncio.run(_level(url, conversations, len(conversations), 0.01))


def alternating(items: List[T], round_: int) -> List[T]:
    """``items`` in order in even rounds and reversed in odd ones, so no item always goes first."""
    return list(items) if round_ % 2 == 0 else list(reversed(items))


def median_run(runs: List[Dict[str, float]]) -> Dict[str, float]:
    """The median of each number over repeated runs of one level."""
    merged = dict(runs[0])
    for key in ("p50_ms", "p95_ms", "mean_ms", "throughput", "seconds", "busy_cores"):
        values = [r[key] for r in runs if r[key] is not None]
        merged[key] = round(statistics.median(values), 2) if values else None
    merged["messages"] = sum(r["messages"] for r in runs)
    merged["errors"] = sum(r["errors"] for r in runs)
    merged["runs"] = len(runs)
    return merged


def compare_bots(
    bots: Dict[str, Bot], logs: Path, seconds: float, rounds: int
) -> Dict[str, Dict[str, object]]:
    """The bots side by side: every level, alternating bots, ``rounds`` times; the median of each number."""
    from bench.common import rss_mb

    servers = {name: bot.start(logs) for name, bot in bots.items()}
    results: Dict[str, Dict[str, object]] = {name: {"levels": {}} for name in bots}
    try:
        for name, server in servers.items():
            warm_up(server.rest_url, CONVERSATIONS[name])
            results[name]["time_to_first_answer_s"] = server.ready_s
            results[name]["rss_mb_idle"] = rss_mb(server.process.pid)
        runs: Dict[str, Dict[int, List[Dict[str, float]]]] = {n: {p: [] for p in LEVELS} for n in bots}
        for round_ in range(rounds):
            for parents in LEVELS:
                for name in alternating(list(servers), round_):
                    numbers = load(servers[name].rest_url, CONVERSATIONS[name], parents, seconds)
                    runs[name][parents].append(numbers)
                    print(f"  {name} at {parents}: {numbers}", flush=True)
        for name, server in servers.items():
            results[name]["rss_mb_after_load"] = rss_mb(server.process.pid)
            for parents in LEVELS:
                results[name]["levels"][parents] = median_run(runs[name][parents])
    finally:
        for bot in bots.values():
            bot.stop()
    return results


def replicas(counts: List[int], parents: int, seconds: float, rounds: int) -> Dict[int, Dict[str, float]]:
    """The assistant scaled out behind nginx (deploy.cluster), one cluster per replica count.

    All the clusters run at once (an unloaded one uses next to no CPU) and take turns
    under load, in an order reversed every other round, so that each count is measured
    close in time to the others and a slow spell of the machine falls on all of them;
    the numbers are medians over the rounds.
    """
    from deploy.cluster import Cluster

    runs: Dict[int, List[Dict[str, float]]] = {count: [] for count in counts}
    with ExitStack() as stack:
        clusters = {count: stack.enter_context(Cluster(count, rate=1000, burst=1000)) for count in counts}
        for cluster in clusters.values():
            warm_up(cluster.rest_url, CONVERSATIONS["assistant"])
        for round_ in range(rounds):
            for count in alternating(counts, round_):
                url = clusters[count].rest_url
                runs[count].append(load(url, CONVERSATIONS["assistant"], parents, seconds))
                print(f"  {count} replica(s) at {parents}: {runs[count][-1]}", flush=True)
    return {count: median_run(runs[count]) for count in counts}
