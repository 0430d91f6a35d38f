"""What each layer of the understanding costs per message (`make bench`).

The trained model is loaded as the server loads it, and a timing hook is
put on every node of its prediction graph. The dev and frozen tiers'
danger and harmless messages are parsed once to warm up and once to
measure; each node's time per message is reported (median and mean, ms),
with the whole parse beside it.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import defaultdict
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphNodeHook

from bench.common import MODEL
from bench.sets import danger_messages, harmless_messages


class _Timer(GraphNodeHook):
    """Records how long each node of the graph takes."""

    def __init__(self) -> None:
        self.seconds: Dict[str, List[float]] = defaultdict(list)

    def on_before_node(
        self,
        node_name: str,
        execution_context: ExecutionContext,
        config: Dict[str, Any],
        received_inputs: Dict,
    ) -> Dict:
        """The start time."""
        return {"started": time.perf_counter()}

    def on_after_node(
        self,
        node_name: str,
        execution_context: ExecutionContext,
        config: Dict[str, Any],
        output: Any,
        input_hook_data: Dict,
    ) -> None:
        """The time since the start."""
        self.seconds[node_name].append(time.perf_counter() - input_hook_data["started"])


def _texts() -> List[str]:
    return [m.text for tier in ("dev", "frozen") for m in danger_messages(tier) + harmless_messages(tier)]


def run() -> Dict[str, Any]:
    """Per message: each NLU node's median and mean time, and the whole parse's."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    assert agent.processor is not None
    timer = _Timer()
    nodes = agent.processor.graph_runner._instantiated_nodes  # type: ignore[attr-defined]
    texts = _texts()

    async def parse_all() -> List[float]:
        took = []
        for text in texts:
            started = time.perf_counter()
            await agent.parse_message(text)
            took.append(time.perf_counter() - started)
        return took

    asyncio.run(parse_all())  # warm up: the first parses load lazily
    for node in nodes.values():
        node._hooks.append(timer)
    whole = asyncio.run(parse_all())

    def ms(values: List[float]) -> Dict[str, float]:
        return {
            "median_ms": round(1000 * statistics.median(values), 2),
            "mean_ms": round(1000 * statistics.fmean(values), 2),
        }

    layers = {
        name.removeprefix("run_"): ms(values)
        for name, values in timer.seconds.items()
        if name.startswith("run_") and len(values) == len(texts)
    }
    return {"messages": len(texts), "parse": ms(whole), "nodes": layers}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
