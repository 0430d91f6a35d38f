"""The trained model on the held-out NLU file, which is never trained on."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import classification_report, f1_score

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = [ROOT / "tests" / "sets" / f"nlu_{tier}.yml" for tier in ("dev", "frozen")]
REPORT = ROOT / "results" / "nlu-heldout.json"
MIN_MACRO_F1 = 0.90
MIN_PER_INTENT = 5


def _key(text: str) -> str:
    return re.sub(r"[^\w ]", "", text.lower().replace("\u2019", "'")).strip()


@pytest.fixture(scope="module")
def held_out():
    return [
        (m.get("text"), m.get("intent")) for path in HELD_OUT for m in load_data(str(path)).intent_examples
    ]


@pytest.fixture(scope="module")
def predictions(agent, held_out):
    async def parse_all():
        return [await agent.parse_message(text) for text, _ in held_out]

    return asyncio.run(parse_all())


def test_held_out_file_is_not_in_the_training_data(held_out):
    trained = {_key(m.get("text")) for m in load_data(str(ROOT / "data" / "nlu")).intent_examples}
    leaked = [text for text, _ in held_out if _key(text) in trained]
    assert leaked == []


def test_held_out_file_has_enough_phrasings_for_every_intent(held_out):
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
    counts = {intent: sum(1 for _, i in held_out if i == intent) for intent in intents}
    assert {i: c for i, c in counts.items() if c < MIN_PER_INTENT} == {}


def test_intent_macro_f1_on_held_out_phrasings(held_out, predictions):
    gold = [intent for _, intent in held_out]
    predicted = [p["intent"]["name"] for p in predictions]
    intents = sorted(set(gold))  # a prediction outside them (nlu_fallback) still costs recall
    macro = f1_score(gold, predicted, labels=intents, average="macro", zero_division=0)
    per_intent = classification_report(gold, predicted, output_dict=True, zero_division=0)
    errors = [
        {"text": text, "expected": g, "predicted": p}
        for (text, _), g, p in zip(held_out, gold, predicted, strict=True)
        if g != p
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "examples": len(gold),
                "macro_f1": round(macro, 4),
                "per_intent_f1": {
                    k: round(v["f1-score"], 3) for k, v in per_intent.items() if k in set(gold)
                },
                "errors": errors,
            },
            indent=2,
        )
    )
    assert macro >= MIN_MACRO_F1, f"macro F1 {macro:.3f} < {MIN_MACRO_F1}; errors: {errors}"


def test_every_held_out_danger_phrasing_is_classified_as_danger(held_out, predictions):
    missed = [
        text
        for (text, intent), p in zip(held_out, predictions, strict=True)
        if intent == "danger" and p["intent"]["name"] != "danger"
    ]
    assert missed == []


@pytest.mark.parametrize(
    "text",
    [
        "MY SON HAS A KNIFE",
        "shes gonna meet sum1 from snapchat 2nite",
        "he\u2019s been stabbed",
        "someone is blackmailing my daughter",
    ],
)
def test_detector_escalates_inside_the_trained_model(agent, text):
    result = asyncio.run(agent.parse_message(text))
    assert result["intent"] == {"name": "danger", "confidence": 1.0}
    assert result["danger"]["kinds"]


@pytest.mark.parametrize("text", ["asdf", "zxcvbnm", "hola como estas"])
def test_a_message_with_no_known_word_gets_the_fallback(agent, text):
    result = asyncio.run(agent.parse_message(text))
    assert result["intent"]["name"] == "nlu_fallback"


def test_a_known_word_among_unknown_ones_is_still_classified(agent):
    result = asyncio.run(agent.parse_message("asdf hello"))
    assert result["intent"]["name"] == "greet"


def test_a_message_that_names_a_warning_sign_is_never_out_of_scope(agent):
    naming = [
        p["text"]
        for tier in ("dev", "frozen")
        for p in yaml.safe_load((ROOT / "tests" / "sets" / f"signs_{tier}.yml").read_text(encoding="utf-8"))[
            "phrasings"
        ]
        if p["signs"]
    ]

    async def parse_all():
        return [await agent.parse_message(text) for text in naming]

    dismissed = [
        p["text"]
        for p in asyncio.run(parse_all())
        if any(e["entity"] == "warning_sign" for e in p["entities"])
        and p["intent"]["name"] in ("out_of_scope", "nlu_fallback")
    ]
    assert len(naming) >= 150
    assert dismissed == []
