"""The danger classifier's training data: generated as the script says, every kind, no test message."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from safeguarding.nlu.danger_model import TRAINING_DIR, load_training

ROOT = Path(__file__).resolve().parent.parent
TEST_SETS = sorted((ROOT / "tests" / "sets").rglob("*.yml"))


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower().replace("\u2019", "'").replace("'", "")).strip()


def _strings(node):
    if isinstance(node, str):
        for line in node.splitlines():
            yield line.lstrip("- ")
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


@pytest.fixture(scope="module")
def examples():
    return load_training()


@pytest.mark.model  # regenerates the training file
def test_the_generated_file_is_what_the_script_writes():
    check = subprocess.run(
        [sys.executable, "scripts/make_danger_training.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_there_are_thousands_of_messages_of_both_labels(examples):
    danger = sum(e.danger for e in examples)
    assert danger >= 1500
    assert len(examples) - danger >= 1500


def test_every_kind_of_danger_is_covered(examples, content):
    counts = Counter(e.kind for e in examples if e.danger)
    assert set(counts) == set(content.danger["kinds"])
    assert min(counts.values()) >= 80


def test_there_are_hundreds_of_hand_written_messages():
    data = yaml.safe_load((TRAINING_DIR / "handwritten.yml").read_text(encoding="utf-8"))
    assert sum(len(v) for group in ("danger", "harmless") for v in data[group].values()) >= 250


def test_no_test_message_is_trained_on(examples):
    tested = set()
    for path in TEST_SETS:
        tested |= {_key(s) for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))}
    assert [e.text for e in examples if _key(e.text) in tested] == []


def test_no_message_is_both_danger_and_harmless(examples):
    danger = {_key(e.text) for e in examples if e.danger}
    assert [e.text for e in examples if not e.danger and _key(e.text) in danger] == []


def test_harmless_messages_cover_the_words_danger_uses(examples):
    categories = {e.kind for e in examples if not e.danger}
    wanted = {"idiom", "game", "sport", "news_school", "lost_thing", "question", "hypothetical", "negation"}
    assert wanted | {"resolved", "sign"} <= categories
