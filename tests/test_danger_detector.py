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


# (message, intent, danger classifier's probability, what the parent is given), with the default settings
# (the assistant's): escalate from 0.9, ask from 0.5, the lexicon needs the classifier at 0.2.
CASES = [
    # The lexicon escalates when the classifier gives the message a chance.
    (LEXICON_MATCH, "out_of_scope", 0.2, {"intent": "danger", "asked": False}),
    # A lexicon match both classifiers find plainly harmless is asked about.
    (LEXICON_MATCH, "out_of_scope", 0.19, {"intent": "out_of_scope", "asked": True}),
    # A lexicon match the intent classifier backs escalates.
    (LEXICON_MATCH, "danger", 0.02, {"intent": "danger", "asked": False}),
    # Without the danger classifier the lexicon escalates alone.
    (LEXICON_MATCH, "greet", None, {"intent": "danger", "asked": False}),
    # The danger classifier escalates alone when it is sure enough.
    (NO_MATCH, "describe_worry", 0.9, {"intent": "danger", "asked": False}),
    # An unsure danger classifier is asked about, whatever the intent.
    (NO_MATCH, "describe_worry", 0.5, {"intent": "describe_worry", "asked": True}),
    (NO_MATCH, "goodbye", 0.89, {"intent": "goodbye", "asked": True}),
    # The intent classifier alone saying danger is asked about.
    (NO_MATCH, "danger", 0.2, {"intent": "nlu_fallback", "asked": True}),
    # No layer saying danger leaves the message alone.
    (NO_MATCH, "describe_worry", 0.49, {"intent": "describe_worry", "asked": False}),
    # A threat to confront stays a threat however violent it sounds.
    ("i'm going round there to batter him", "out_of_scope", 0.97, {"intent": "confront", "asked": False}),
]


@pytest.fixture(scope="module")
def detector(nlp):
    return DangerDetector(DangerDetector.get_default_config()), SpacyModel(model=nlp, model_name="test")


@pytest.mark.parametrize(("text", "intent", "probability", "given"), CASES)
def test_the_layers_are_weighed_together(detector, text, intent, probability, given):
    component, model = detector
    data: Dict[str, Any] = {TEXT: text, INTENT: {"name": intent, "confidence": 0.8}}
    if probability is not None:
        data["danger_model"] = {"probability": probability, "kind": "weapons"}
    message = Message(data=data)
    component.process([message], model)
    assert {"intent": message.get(INTENT)["name"], "asked": bool(message.get("safety_check"))} == given


def test_with_no_floor_the_lexicon_escalates_whatever_the_classifier_says(nlp):
    component = DangerDetector({**DangerDetector.get_default_config(), "lexicon_floor": 0.0})
    message = Message(
        data={TEXT: LEXICON_MATCH, INTENT: {"name": "out_of_scope"}, "danger_model": {"probability": 0.0}}
    )
    component.process([message], SpacyModel(model=nlp, model_name="test"))
    assert message.get(INTENT)["name"] == "danger"
