"""The benchmark's arithmetic: percentiles, medians over rounds, the alternating order, the busy cores."""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from bench.blind import escalated
from bench.run import _command
from bench.speed import alternating, busy_core_seconds, median_run, percentile


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


def test_rounds_alternate_which_goes_first():
    assert [alternating([1, 2], r) for r in range(3)] == [[1, 2], [2, 1], [1, 2]]


def test_repeated_runs_give_the_median_of_each_number_and_the_sum_of_messages():
    runs = [
        {
            "p50_ms": 10.0,
            "p95_ms": 30.0,
            "mean_ms": 12.0,
            "throughput": 60.0,
            "seconds": 15.0,
            "busy_cores": 1.0,
            "messages": 900,
            "errors": 0,
        },
        {
            "p50_ms": 30.0,
            "p95_ms": 90.0,
            "mean_ms": 32.0,
            "throughput": 70.0,
            "seconds": 15.2,
            "busy_cores": 1.2,
            "messages": 1050,
            "errors": 1,
        },
        {
            "p50_ms": 20.0,
            "p95_ms": 60.0,
            "mean_ms": 22.0,
            "throughput": 90.0,
            "seconds": 15.1,
            "busy_cores": 1.1,
            "messages": 1350,
            "errors": 0,
        },
    ]
    merged = median_run(runs)
    assert (merged["p50_ms"], merged["p95_ms"], merged["throughput"]) == (20.0, 60.0, 70.0)
    assert (merged["messages"], merged["errors"], merged["runs"]) == (3300, 1, 3)
    assert merged["busy_cores"] == 1.1


def test_busy_cores_count_this_process_working():
    before = busy_core_seconds()
    started = time.process_time()
    while time.process_time() - started < 0.3:
        pass
    assert busy_core_seconds() - before >= 0.2


def test_the_results_name_the_command_that_wrote_them():
    assert _command({"no_cv": False, "no_cluster": False}) == "make bench"
    assert _command({"no_cv": True, "no_cluster": False}) == "python -m bench.run --no-cv"
    assert _command({"no_cv": True, "no_cluster": True}) == "python -m bench.run --no-cv --no-cluster"


def test_only_the_danger_reply_counts_as_escalated_to_999():
    responses = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))["responses"]
    replies = [
        [responses["utter_danger_999"][0]["text"], "Then contact:"],
        ["I want to be sure your child is safe. Call 999 if so.\nIs a child in danger right now?"],
        ["Take care."],
        ["If a child is in immediate danger, call 999. What else would you like to know?"],
    ]
    assert escalated(replies) == 0.25
    assert escalated([]) == 0.0
