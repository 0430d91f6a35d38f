"""The measurement tiers stay honest: each message in its hashed tier; nothing frozen or blind is learnt."""

from __future__ import annotations

from typing import Any, List, Tuple

import pytest
import yaml

from bench.sets import (
    BLIND,
    SETS,
    NearDuplicates,
    blind_batches,
    blind_messages,
    hashed_tier,
    overlap,
    tokens,
    training_references,
)
from bench.tiers import TIERS, tier_of

FIELDS = {"danger": None, "harmless": "messages", "signs": "phrasings", "nlu": None}


@pytest.fixture(scope="module")
def near() -> NearDuplicates:
    return NearDuplicates(training_references())


def _items(set_name: str, tier: str) -> List[Any]:
    data = yaml.safe_load((SETS / f"{set_name}_{tier}.yml").read_text(encoding="utf-8"))
    if set_name == "danger":
        return [t for texts in data["kinds"].values() for t in texts] + data["conversations"]
    if set_name == "nlu":
        return [
            {"text": line.strip()[2:], "intent": block["intent"]}
            for block in data["nlu"]
            for line in block["examples"].splitlines()
            if line.strip().startswith("- ")
        ]
    return data[FIELDS[set_name]]


def _text(item: Any) -> str:
    if isinstance(item, list):
        return item[-1]
    return item["text"] if isinstance(item, dict) else item


def test_overlap_counts_shared_words_over_the_longer_message():
    assert overlap(tokens("Is he OK?"), tokens("is he ok")) == 1.0
    assert overlap(tokens("how do gangs recruit kids"), tokens("how do gangs recruit")) == 0.8
    assert overlap(tokens("my son has a knife"), tokens("my son loves football")) == 0.4


def test_the_hash_tier_is_stable_and_ignores_case_and_curly_quotes():
    assert hashed_tier("She’s not home") == hashed_tier("she's  NOT home")
    tiers = {hashed_tier(f"message number {i}") for i in range(40)}
    assert tiers == {"dev", "frozen"}


@pytest.mark.parametrize("set_name", FIELDS)
def test_every_message_is_in_the_tier_the_split_gives_it(set_name, near):
    misplaced: List[Tuple[str, str]] = []
    for tier in TIERS:
        for item in _items(set_name, tier):
            if tier_of(set_name, item, near) != tier:
                misplaced.append((tier, _text(item)))
    assert misplaced == [], "run `make tiers`"


@pytest.mark.parametrize("set_name", FIELDS)
def test_the_frozen_tier_repeats_nothing_the_assistant_learns_from(set_name, near):
    leaked = {_text(i): near.of(_text(i)) for i in _items(set_name, "frozen") if near.of(_text(i))}
    assert leaked == {}


@pytest.mark.parametrize("set_name", FIELDS)
def test_no_message_is_in_both_tiers(set_name):
    dev = {_text(i).lower() for i in _items(set_name, "dev")}
    assert [t for t in (_text(i) for i in _items(set_name, "frozen")) if t.lower() in dev] == []


def test_every_blind_batch_is_large_and_has_its_first_score():
    batches = blind_batches()
    assert batches, "no blind batch in tests/sets/blind"
    scores = yaml.safe_load((BLIND / "scores.yml").read_text(encoding="utf-8"))
    for batch in batches:
        messages = blind_messages(batch)
        assert sum(m.danger for m in messages) >= 60, batch
        assert sum(not m.danger for m in messages) >= 60, batch
        first = scores[batch]["first score"]
        assert first["danger"]["messages"] == sum(m.danger for m in messages), batch


def test_nothing_the_assistant_learns_from_repeats_a_blind_message(near):
    leaked = {
        m.text: near.of(m.text) for batch in blind_batches() for m in blind_messages(batch) if near.of(m.text)
    }
    assert leaked == {}
