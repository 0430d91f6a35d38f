"""How the danger detector weighs its layers: the lexicon, the danger classifier and the intent."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
import yaml
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.common import override_defaults

from safeguarding.nlu.components import DangerDetector

LEXICON_MATCH = "my son has been stabbed"
NO_MATCH = "she went quiet at tea and went to her room"
NO_MATCH_STORY = "she went quiet at tea. Then she went up to her room."
CONFIG = Path(__file__).resolve().parents[1] / "config.yml"


def assistant_settings() -> Dict[str, Any]:
    """The danger detector's settings in config.yml."""
    pipeline = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["pipeline"]
    (entry,) = [c for c in pipeline if c["name"].endswith(".DangerDetector")]
    return {k: v for k, v in entry.items() if k != "name"}


# (message, intent, danger classifier's probability, what the parent is given), with the assistant's settings:
# escalate from 0.6 (a warning sign or a worry from 0.9), ask from 0.3, the lexicon needs the classifier
# at 0.2 or the intent, a threat to confront gives way from 0.95.
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
    (NO_MATCH, "out_of_scope", 0.6, {"intent": "danger", "asked": False}),
    # A message read as a warning sign or a worry needs more: below that it is asked about.
    (NO_MATCH, "describe_worry", 0.89, {"intent": "describe_worry", "asked": True}),
    (NO_MATCH, "describe_warning_sign", 0.6, {"intent": "describe_warning_sign", "asked": True}),
    (NO_MATCH, "describe_worry", 0.9, {"intent": "danger", "asked": False}),
    (NO_MATCH_STORY, "describe_worry", 0.6, {"intent": "describe_worry", "asked": True}),
    # An unsure danger classifier is asked about, whatever the intent.
    (NO_MATCH, "describe_worry", 0.3, {"intent": "describe_worry", "asked": True}),
    (NO_MATCH, "goodbye", 0.59, {"intent": "goodbye", "asked": True}),
    # The intent classifier alone saying danger is asked about.
    (NO_MATCH, "danger", 0.2, {"intent": "nlu_fallback", "asked": True}),
    # No layer saying danger leaves the message alone.
    (NO_MATCH, "describe_worry", 0.29, {"intent": "describe_worry", "asked": False}),
    # A threat to confront stays a threat however violent it sounds...
    ("i'm going round there to batter him", "out_of_scope", 0.94, {"intent": "confront", "asked": False}),
    # ...unless the classifier is all but sure a child is in danger and the intent is not confront.
    ("i'm going round there to batter him", "out_of_scope", 0.95, {"intent": "danger", "asked": False}),
    ("i'm going round there to batter him", "confront", 0.99, {"intent": "confront", "asked": False}),
]


@pytest.fixture(scope="module")
def detector(nlp):
    return DangerDetector(assistant_settings()), SpacyModel(model=nlp, model_name="test")


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
    component = DangerDetector({**assistant_settings(), "lexicon_floor": 0.0})
    message = Message(
        data={TEXT: LEXICON_MATCH, INTENT: {"name": "out_of_scope"}, "danger_model": {"probability": 0.0}}
    )
    component.process([message], SpacyModel(model=nlp, model_name="test"))
    assert message.get(INTENT)["name"] == "danger"


def test_a_model_saved_before_an_option_existed_loads_with_its_default(nlp):
    settings = assistant_settings()
    del settings["confront_yields_at"]
    # As Rasa's graph builds each component when a model loads: the saved settings over the defaults.
    component = DangerDetector(override_defaults(DangerDetector.get_default_config(), settings))
    message = Message(
        data={
            TEXT: "i'm going round there to batter him",
            INTENT: {"name": "out_of_scope"},
            "danger_model": {"probability": 0.99},
        }
    )
    component.process([message], SpacyModel(model=nlp, model_name="test"))
    assert message.get(INTENT)["name"] == "confront"
