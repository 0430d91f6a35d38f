"""The learned readers' examples: known labels, enough of each, and no message of a test set."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from bench.sets import ROOT, SETS, NearDuplicates, _messages_in
from safeguarding.nlu.label_model import load_labelled

FOLDERS = {"warning_signs": "warning_sign", "service_requests": "service_request"}


def _known(content, entity: str) -> set:
    if entity == "warning_sign":
        return {sign["id"] for sign in content.guidance["warning_signs"]}
    return {request["id"] for request in content.requests["requests"]}


@pytest.fixture(scope="module")
def tested():
    """Every message of every test set: tiers, blind batches and the behavioural suite."""
    texts = []
    for path in sorted(SETS.rglob("*.yml")):
        if path.name != "scores.yml":
            texts += list(_messages_in(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return NearDuplicates(texts)


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_label_is_known_and_has_many_examples(content, folder):
    examples = load_labelled(ROOT / "data" / folder)
    counts = Counter(label for e in examples for label in e.labels)
    assert set(counts) == _known(content, FOLDERS[folder])
    assert min(counts.values()) >= 60, counts
    assert sum(not e.labels for e in examples) >= 100


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_no_example_nearly_repeats_a_test_message(folder, tested):
    examples = load_labelled(ROOT / "data" / folder)
    assert {e.text: tested.of(e.text)[:1] for e in examples if tested.of(e.text)} == {}
