"""Run the whole benchmark and write bench/results.md, bench/results.json and the plots (`make bench`).

Options: python -m bench.run [--seconds 15] [--rounds 2] [--replica-rounds 5] [--no-cv] [--no-cluster]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List

from bench import cost, layers, speed, understanding
from bench.common import BENCH, ENV, MODEL, ROOT, assistant, remove, starter, work_dir
from bench.speed import LEVELS

BOTS = ("assistant", "starter")


def plot_latency(results: Dict[str, Dict], path: Path) -> None:
    """Latency (p50 and p95) against the number of parents for both bots."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for name, colour in zip(BOTS, ("tab:blue", "tab:orange"), strict=True):
        levels = results[name]["levels"]
        for key, style in (("p50_ms", "-o"), ("p95_ms", "--s")):
            values = [levels[p][key] for p in LEVELS]
            axes.plot(LEVELS, values, style, color=colour, label=f"{name} {key[:3]}")
    axes.set_xscale("log")
    axes.set_xticks(LEVELS, [str(p) for p in LEVELS])
    axes.set_xlabel("concurrent simulated parents")
    axes.set_ylabel("latency per message (ms)")
    axes.set_title("REST latency against concurrency (same machine, same run)")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def ratios(speeds: Dict[str, Dict]) -> Dict[int, Dict[str, float | None]]:
    """The assistant's numbers over the starter bot's, per level."""
    mine, theirs = speeds["assistant"]["levels"], speeds["starter"]["levels"]
    return {
        p: {
            "p50": _ratio(mine[p]["p50_ms"], theirs[p]["p50_ms"]),
            "p95": _ratio(mine[p]["p95_ms"], theirs[p]["p95_ms"]),
            "throughput": _ratio(mine[p]["throughput"], theirs[p]["throughput"]),
        }
        for p in LEVELS
    }


def targets(results: Dict) -> List[Dict[str, object]]:
    """The speed targets of the issue, each with its measured value."""
    levels = results["speed"]
    found = [
        {
            "target": "p50 latency at 1 parent no higher than the starter bot's",
            "value": f"{levels['assistant']['levels'][1]['p50_ms']} ms vs "
            f"{levels['starter']['levels'][1]['p50_ms']} ms",
            "met": levels["assistant"]["levels"][1]["p50_ms"] <= levels["starter"]["levels"][1]["p50_ms"],
        },
        {
            "target": "throughput ratio to the starter bot at 20 parents >= 0.9",
            "value": str(results["ratios"][20]["throughput"]),
            "met": (results["ratios"][20]["throughput"] or 0) >= 0.9,
        },
    ]
    if results.get("replicas"):
        one, two = results["replicas"][1]["throughput"], results["replicas"][2]["throughput"]
        found.append(
            {
                "target": "2 replicas >= 1.6 x the throughput of 1",
                "value": f"{_ratio(two, one)} ({two} vs {one} messages/s)",
                "met": (_ratio(two, one) or 0) >= 1.6,
            }
        )
    return found


def _command(settings: Dict[str, object]) -> str:
    """The command that wrote the results: `make bench`, or bench.run with the options that changed."""
    skipped = [f"--{name.replace('_', '-')}" for name in ("no_cv", "no_cluster") if settings.get(name)]
    return f"python -m bench.run {' '.join(skipped)}" if skipped else "make bench"


def _row(cells: List[object]) -> str:
    return "| " + " | ".join("–" if c is None else str(c) for c in cells) + " |"


def markdown(results: Dict) -> str:
    """The results as Markdown tables."""
    u = results["understanding"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{_command(results['settings'])}` on {results['date']} ({results['machine']}); "
        f"the whole run took {results['duration_min']} min. Every comparison below was measured on this "
        "machine in this run.",
        "",
        "## Understanding",
        "",
        f"Four systems, each scored on every tier apart. The first three learn intents from the same "
        f"{u['train']} examples of data/nlu; the n-gram danger classifier learns danger or not from "
        "data/danger_classifier, as the assistant's danger classifier does. **dev** is tuned on (a fit, "
        "not a result); **frozen** is never tuned on; each **blind batch** was written in new voices before "
        "the changes it tests (its first score is in tests/sets/blind/scores.yml). The assistant's danger "
        "recall is full escalation: its intent is danger after every layer.",
        "",
        _row(
            [
                "tier",
                "sizes (intents / danger / harmless)",
                "system",
                "intent macro F1",
                "danger recall",
                "harmless false-alarm rate",
            ]
        ),
        _row(["---", "---", "---", "---:", "---:", "---:"]),
    ]
    names = {
        "assistant": "the assistant (trained pipeline)",
        "keywords": "keyword matcher",
        "tfidf_logreg": "TF-IDF + logistic regression (intents)",
        "ngram_danger": "TF-IDF + logistic regression (danger only)",
    }
    for tier, scores in u["tiers"].items():
        size = u["sizes"][tier]
        for key, label in names.items():
            sc = scores[key]
            cells = [sc.get("macro_f1"), sc["danger_recall"], sc["trap_false_alarm_rate"]]
            lines.append(
                _row([tier, f"{size['held_out']} / {size['danger']} / {size['trap']}", label, *cells])
            )
    cv = u.get("cross_validation")
    if cv:
        lines += [
            "",
            f"{cv['folds']}-fold cross-validation of data/nlu with the assistant's pipeline "
            f"(`rasa test nlu --cross-validation`): intent macro F1 **{cv['macro_f1']}**, "
            f"weighted F1 {cv['weighted_f1']}.",
        ]
    lines += [
        "",
        "The keyword matcher is an independent baseline: danger and confront come from its own list "
        "of about 40 obvious words (bench/keywords.py), not from the assistant's lexicon; for the other "
        "intents it knows only words seen in one intent's training examples and the topic keywords of "
        "content/guidance.yml.",
        "",
        "Per-intent F1 on the frozen tier:",
        "",
        _row(["intent", *list(names.values())[:3]] + (["cross-validation (data/nlu)"] if cv else [])),
        _row(["---"] + ["---:"] * (3 + (1 if cv else 0))),
    ]
    frozen = u["tiers"]["frozen"]
    for intent in frozen["assistant"]["per_intent_f1"]:
        cells = [frozen[key]["per_intent_f1"].get(intent) for key in list(names)[:3]]
        if cv:
            cells.append(cv["per_intent_f1"].get(intent))
        lines.append(_row([intent, *cells]))
    lines += ["", "![Confusion matrix, frozen tier](confusion_matrix.png)", ""]
    if layers := results.get("layers"):
        lines += [
            "## What each layer costs",
            "",
            f"The model loaded as the server loads it, each node of its prediction graph timed while it "
            f"parses the {layers['messages']} danger and harmless messages of the dev and frozen tiers "
            f"(after one warm-up pass). A whole parse takes {layers['parse']['median_ms']} ms (median; mean "
            f"{layers['parse']['mean_ms']} ms).",
            "",
            _row(["node", "median (ms)", "mean (ms)"]),
            _row(["---", "---:", "---:"]),
        ]
        for node, took in sorted(layers["nodes"].items(), key=lambda item: -item[1]["mean_ms"]):
            lines.append(_row([node, took["median_ms"], took["mean_ms"]]))
        lines.append("")
    s = results["speed"]
    lines += [
        "## Speed",
        "",
        f"Simulated parents hold four-turn conversations (bench/conversations.yml) through the REST channel, "
        f"each bot with its action server running; the assistant keeps conversations in SQLite as `make run` "
        f"does. Each level ran {results['settings']['seconds']} s, {results['settings']['rounds']} times, "
        "alternating the bots; the numbers are medians over the rounds. Reference: Rasa's starter bot "
        "(`rasa init --no-prompt`).",
        "",
        _row(["parents", "bot", "p50 (ms)", "p95 (ms)", "throughput (msg/s)", "messages", "errors"]),
        _row(["---:", "---", "---:", "---:", "---:", "---:", "---:"]),
    ]
    for p in LEVELS:
        for bot in BOTS:
            n = s[bot]["levels"][p]
            cells = [n["p50_ms"], n["p95_ms"], n["throughput"], n["messages"], n["errors"]]
            lines.append(_row([p, bot, *cells]))
    lines += [
        "",
        "Assistant / starter bot:",
        "",
        _row(["parents", "p50 ratio", "p95 ratio", "throughput ratio"]),
        _row(["---:", "---:", "---:", "---:"]),
    ]
    for p in LEVELS:
        r = results["ratios"][p]
        lines.append(_row([p, r["p50"], r["p95"], r["throughput"]]))
    lines += ["", "![Latency against concurrency](latency.png)", ""]
    if reps := results.get("replicas"):
        lines += [
            f"Scaled out (deploy.cluster: PostgreSQL, Redis lock store, nginx, rate limit raised for "
            f"the test), {results['settings']['replica_parents']} parents. One cluster per replica count, "
            "all running at once, loaded in turn (the order reversed every other round), "
            f"{results['settings']['replica_rounds']} rounds; medians over the rounds:",
            "",
            _row(["replicas", "p50 (ms)", "p95 (ms)", "throughput (msg/s)", "errors", "busy cores"]),
            _row(["---:", "---:", "---:", "---:", "---:", "---:"]),
        ]
        for count, n in reps.items():
            cells = [n["p50_ms"], n["p95_ms"], n["throughput"], n["errors"], n.get("busy_cores", "")]
            lines.append(_row([count, *cells]))
        lines += [
            "",
            f"Busy cores: how many of the machine's {os.cpu_count()} cores were busy on average during "
            "the level, counting every process (the load generator included).",
            "",
        ]
    lines += [
        "## Cost",
        "",
        _row(["", "assistant", "starter bot"]),
        _row(["---", "---:", "---:"]),
    ]
    c = results["cost"]
    for label, key, where in (
        ("training from clean (s)", "training_s", "cost"),
        ("model size (MB)", "model_mb", "cost"),
        ("server resident memory, idle (MB)", "rss_mb_idle", "speed"),
        ("server resident memory, after the load (MB)", "rss_mb_after_load", "speed"),
        ("start to first answer (s)", "time_to_first_answer_s", "speed"),
    ):
        source = c if where == "cost" else s
        lines.append(_row([label, source["assistant"][key], source["starter"][key]]))
    lines += [
        "",
        "Resident memory is the Rasa server's (with its child processes), read from /proc.",
        "",
        "## Speed targets",
        "",
        _row(["target", "measured", "met"]),
        _row(["---", "---", "---"]),
    ]
    for t in results["targets"]:
        lines.append(_row([t["target"], t["value"], "yes" if t["met"] else "no"]))
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run every part, in order, and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each load level")
    parser.add_argument("--rounds", type=int, default=2, help="repetitions of each level")
    parser.add_argument("--replica-parents", type=int, default=20)
    parser.add_argument("--replica-rounds", type=int, default=5, help="repetitions of each replica count")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    parser.add_argument("--no-cluster", action="store_true", help="skip the replicas behind nginx")
    args = parser.parse_args()
    os.environ.update(ENV)
    started = time.monotonic()
    work = work_dir()
    results: Dict = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "settings": vars(args),
    }
    try:
        print("understanding ...", flush=True)
        results["understanding"] = understanding.run(with_cv=not args.no_cv)
        print("layers ...", flush=True)
        results["layers"] = layers.run()
        print("starter bot ...", flush=True)
        bots = {"assistant": assistant(work), "starter": starter(work)}
        print("cost: training from clean ...", flush=True)
        results["cost"] = {
            "assistant": cost.train_from_clean(ROOT),
            "starter": cost.train_from_clean(bots["starter"].folder),
        }
        results["cost"]["assistant"]["deployed_model_mb"] = round(MODEL.stat().st_size / 1e6, 2)
        print(f"  {results['cost']}", flush=True)
        print("speed ...", flush=True)
        results["speed"] = speed.compare_bots(bots, work / "logs", args.seconds, args.rounds)
        results["ratios"] = ratios(results["speed"])
        if not args.no_cluster:
            print("replicas ...", flush=True)
            results["replicas"] = speed.replicas(
                [1, 2], args.replica_parents, args.seconds, args.replica_rounds
            )
    finally:
        remove(work)
    results["targets"] = targets(results)
    results["duration_min"] = round((time.monotonic() - started) / 60, 1)
    plot_latency(results["speed"], BENCH / "latency.png")
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (BENCH / "results.md").write_text(markdown(results))
    print((BENCH / "results.md").read_text(), flush=True)


if __name__ == "__main__":
    main()
