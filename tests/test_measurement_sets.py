"""The measurement tiers stay honest: messages never move into frozen; nothing frozen or blind is learnt."""

from __future__ import annotations

from typing import Any, List

import pytest
import yaml

from bench.sets import (
    BLIND,
    SETS,
    NearDuplicates,
    blind_batches,
    blind_messages,
    overlap,
    tokens,
    training_references,
)
from bench.tiers import NAMES, file_tiers, read, retire, text_of


@pytest.fixture(scope="module")
def near() -> NearDuplicates:
    return NearDuplicates(training_references())


def _items(set_name: str, tier: str) -> List[Any]:
    return [item for items in read(SETS / f"{set_name}_{tier}.yml", set_name).values() for item in items]


def test_overlap_counts_shared_words_over_the_longer_message():
    assert overlap(tokens("Is he OK?"), tokens("is he ok")) == 1.0
    assert overlap(tokens("how do gangs recruit kids"), tokens("how do gangs recruit")) == 0.8
    assert overlap(tokens("my son has a knife"), tokens("my son loves football")) == 0.4


def test_filing_keeps_dev_in_dev_and_moves_only_leaked_or_repeated_frozen_messages():
    near = NearDuplicates(["how do gangs recruit kids"])
    dev = {"messages": ["my son missed the bus", "he got destroyed in fifa"]}
    frozen = {
        "messages": ["How do gangs recruit kids?", "HE GOT DESTROYED IN FIFA", "the dog ate my homework"]
    }
    filed = file_tiers(dev, frozen, near)
    assert filed["frozen"] == {"messages": ["the dog ate my homework"]}
    assert filed["dev"] == {
        "messages": ["my son missed the bus", "he got destroyed in fifa", "How do gangs recruit kids?"]
    }


def test_a_new_frozen_tier_retires_the_old_one_into_dev():
    dev = {"immediate_danger": ["a"], "conversations": [["hi", "b"]]}
    old = {"immediate_danger": ["c"], "weapons": ["d"], "conversations": []}
    assert retire(old, dev) == {
        "immediate_danger": ["a", "c"],
        "conversations": [["hi", "b"]],
        "weapons": ["d"],
    }


@pytest.mark.parametrize("set_name", NAMES)
def test_every_message_is_in_the_tier_filing_leaves_it(set_name, near):
    dev = read(SETS / f"{set_name}_dev.yml", set_name)
    frozen = read(SETS / f"{set_name}_frozen.yml", set_name)
    filed = file_tiers(dev, frozen, near)
    assert (filed["dev"], filed["frozen"]) == (dev, frozen), "run `make tiers`"


@pytest.mark.parametrize("set_name", NAMES)
def test_the_frozen_tier_repeats_nothing_the_assistant_learns_from(set_name, near):
    leaked = {text_of(i): near.of(text_of(i)) for i in _items(set_name, "frozen") if near.of(text_of(i))}
    assert leaked == {}


@pytest.mark.parametrize("set_name", NAMES)
def test_no_message_is_in_both_tiers(set_name):
    dev = {text_of(i).lower() for i in _items(set_name, "dev")}
    assert [t for t in (text_of(i) for i in _items(set_name, "frozen")) if t.lower() in dev] == []


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
