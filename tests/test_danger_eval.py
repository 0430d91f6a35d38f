"""The danger evaluation script: reading labelled files and scoring systems on them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.danger_eval import evaluate, ngram_baseline, read_messages

ROOT = Path(__file__).resolve().parent.parent


def test_the_test_sets_read_as_all_danger_and_all_harmless():
    danger = read_messages(ROOT / "tests" / "sets" / "danger_dev.yml", True)
    traps = read_messages(ROOT / "tests" / "sets" / "harmless_dev.yml", False)
    assert len(danger) >= 100 and all(label for _, label in danger)
    assert len(traps) >= 50 and not any(label for _, label in traps)


def test_a_labelled_file_keeps_each_label(tmp_path):
    path = tmp_path / "labelled.yml"
    path.write_text(
        yaml.safe_dump({"messages": [{"text": "a", "danger": True}, {"text": "b", "danger": False}]})
    )
    assert read_messages(path) == [("a", True), ("b", False)]


def test_an_unlabelled_file_needs_a_label(tmp_path):
    path = tmp_path / "plain.yml"
    path.write_text(yaml.safe_dump({"messages": ["a"]}))
    with pytest.raises(ValueError, match="--danger or --harmless"):
        read_messages(path)


def test_recall_and_false_alarms_are_counted():
    messages = [("d1", True), ("d2", True), ("h1", False), ("h2", False)]
    report = evaluate(messages, {"says d1 and h1": lambda texts: [t in ("d1", "h1") for t in texts]}, 5)
    numbers = report["says d1 and h1"]
    assert numbers["danger recall"] == 0.5
    assert numbers["false-alarm rate"] == 0.5
    assert numbers["errors"] == ["d2", "h1"]


@pytest.mark.model  # trains the n-gram baseline
def test_the_ngram_baseline_trains_on_the_classifier_data():
    flags = ngram_baseline()
    assert 0.0 < flags.threshold < 1.0
    assert flags(["a man keeps asking my daughter for nude pictures"]) == [True]
