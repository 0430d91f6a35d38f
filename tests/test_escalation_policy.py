"""The escalation policy predicts 999 first, in a form or out of one, then hands back."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import yaml
from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from safeguarding.dialogue.policies import EscalationPolicy

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "config.yml").read_text())
SETTINGS = next(p for p in CONFIG["policies"] if p["name"].endswith("EscalationPolicy"))


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def policy(tmp_path_factory) -> EscalationPolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config = {**EscalationPolicy.get_default_config(), **SETTINGS}
    return EscalationPolicy.create(
        config, storage, Resource("escalation"), ExecutionContext(GraphSchema({}), "test")
    )


def said(intent: str) -> UserUttered:
    return UserUttered("...", {"name": intent, "confidence": 1.0})


def predict(policy: EscalationPolicy, domain: Domain, events: List[Event]) -> str | None:
    tracker = DialogueStateTracker.from_events("parent-1", [ActionExecuted("action_listen"), *events])
    prediction = policy.predict_action_probabilities(tracker, domain)
    if prediction.max_confidence == 0:
        return None
    return domain.action_names_or_texts[prediction.max_confidence_index]


def steps(policy: EscalationPolicy, domain: Domain, events: List[Event]) -> List[str | None]:
    """What the policy predicts after ``events``, each prediction taken in turn, up to listening or None."""
    events, predicted = list(events), []
    while len(predicted) < 6:
        action = predict(policy, domain, events)
        predicted.append(action)
        if action in (None, "action_listen"):
            break
        events.append(ActionExecuted(action))
    return predicted


def test_danger_gets_999_then_the_followup_then_listens(policy, domain):
    assert steps(policy, domain, [said("danger")]) == [
        "utter_danger_999",
        "action_danger_followup",
        "action_listen",
    ]


def test_danger_in_a_form_gets_999_before_the_form_then_the_form_resumes(policy, domain):
    events: List[Event] = [
        said("describe_warning_sign"),
        ActionExecuted("triage_form"),
        ActiveLoop("triage_form"),
        ActionExecuted("action_listen"),
        said("danger"),
    ]
    # After the form's own step, its own rules take over (None).
    assert steps(policy, domain, events) == [
        "utter_danger_999",
        "action_danger_followup",
        "triage_form",
        None,
    ]


def test_the_escalation_outranks_the_forms_own_prediction(policy):
    prediction = policy._prediction([1.0], is_no_user_prediction=True)
    assert prediction.is_no_user_prediction
    assert policy.priority > RULE_POLICY_PRIORITY


def test_confront_gets_never_confront(policy, domain):
    assert steps(policy, domain, [said("confront")]) == ["utter_never_confront", "action_listen"]


@pytest.mark.parametrize("intent", ["describe_warning_sign", "deny", "ask_topic", "nlu_fallback"])
def test_other_intents_are_left_to_the_other_policies(policy, domain, intent):
    assert predict(policy, domain, [said(intent)]) is None


def test_the_rules_outside_forms_take_the_same_steps_as_the_policy():
    rules = yaml.safe_load((ROOT / "data" / "rules.yml").read_text())["rules"]
    by_intent = {
        rule["steps"][0]["intent"]: [step["action"] for step in rule["steps"][1:]]
        for rule in rules
        if "intent" in rule["steps"][0]
    }
    for intent, steps in SETTINGS["escalations"].items():
        if intent not in SETTINGS["flags"]:  # a flag is not an intent: only the policy sees it
            assert by_intent[intent] == steps


def flagged(intent: str) -> UserUttered:
    """A message the safety check flagged: its intent would have turned the parent away."""
    return UserUttered(
        "...",
        {"name": intent, "confidence": 1.0},
        parse_data={"safety_check": {"instead_of": intent}},
    )


def test_a_flagged_message_gets_the_safety_check_then_listens(policy, domain):
    assert steps(policy, domain, [flagged("out_of_scope")]) == ["utter_safety_check", "action_listen"]


def test_yes_to_the_safety_check_is_danger(policy, domain):
    events: List[Event] = [
        flagged("start_again"),
        ActionExecuted("utter_safety_check"),
        ActionExecuted("action_listen"),
        said("affirm"),
    ]
    assert steps(policy, domain, events)[:2] == ["utter_danger_999", "action_danger_followup"]


def test_yes_to_anything_else_is_not_danger(policy, domain):
    events: List[Event] = [
        ActionExecuted("utter_anything_else"),
        ActionExecuted("action_listen"),
        said("affirm"),
    ]
    assert predict(policy, domain, events) is None


def test_danger_outranks_a_safety_check_flag(policy, domain):
    events: List[Event] = [
        UserUttered(
            "...", {"name": "danger", "confidence": 1.0}, parse_data={"safety_check": {"instead_of": "x"}}
        )
    ]
    assert predict(policy, domain, events) == "utter_danger_999"
