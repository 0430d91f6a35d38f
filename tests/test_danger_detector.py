"""How the danger detector weighs its layers: the lexicon, the danger classifier and the intent."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from safeguarding.nlu.components import DangerDetector

LEXICON_MATCH = "my son has been stabbed"
NO_MATCH = "she went quiet at tea and went to her room"


@pytest.fixture(scope="module")
def read(nlp):
    detector = DangerDetector(DangerDetector.get_default_config())
    model = SpacyModel(model=nlp, model_name="test")

    def parse(text: str, intent: str, probability: float | None) -> Dict[str, Any]:
        data: Dict[str, Any] = {TEXT: text, INTENT: {"name": intent, "confidence": 0.8}}
        if probability is not None:
            data["danger_model"] = {"probability": probability, "kind": "weapons"}
        message = Message(data=data)
        detector.process([message], model)
        return {"intent": message.get(INTENT)["name"], "asked": bool(message.get("safety_check"))}

    return parse


def test_the_lexicon_escalates_when_the_classifier_gives_the_message_a_chance(read):
    assert read(LEXICON_MATCH, "out_of_scope", 0.3) == {"intent": "danger", "asked": False}


def test_a_lexicon_match_both_classifiers_find_plainly_harmless_is_asked_about(read):
    assert read(LEXICON_MATCH, "out_of_scope", 0.02) == {"intent": "out_of_scope", "asked": True}


def test_a_lexicon_match_the_intent_classifier_backs_escalates(read):
    assert read(LEXICON_MATCH, "danger", 0.02) == {"intent": "danger", "asked": False}


def test_without_the_classifier_the_lexicon_escalates_alone(read):
    assert read(LEXICON_MATCH, "greet", None) == {"intent": "danger", "asked": False}


def test_the_classifier_escalates_alone_when_it_is_sure(read):
    assert read(NO_MATCH, "describe_worry", 0.95) == {"intent": "danger", "asked": False}


def test_the_intent_alone_saying_danger_is_asked_about(read):
    assert read(NO_MATCH, "danger", 0.5) == {"intent": "nlu_fallback", "asked": True}


def test_no_layer_saying_danger_leaves_the_message_alone(read):
    assert read(NO_MATCH, "describe_worry", 0.5) == {"intent": "describe_worry", "asked": False}


def test_a_threat_to_confront_stays_a_threat_however_violent_it_sounds(read):
    assert read("i'm going round there to batter him", "out_of_scope", 0.97)["intent"] == "confront"
