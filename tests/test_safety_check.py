"""The safety check's rule: a child and a risk, in a message that would otherwise be turned away."""

from __future__ import annotations

import pytest

from safeguarding.nlu.safety_check import SafetyCheckRule


@pytest.fixture(scope="module")
def rule(content) -> SafetyCheckRule:
    return SafetyCheckRule(content.safety_check)


@pytest.mark.parametrize(
    "text",
    [
        "hes not home",
        "My daughter’s gone and her phone is off",
        "my boy came back with blood on his trainers",
        "SHE SAYS SHE WANTS TO DIE",
        "my 12 yr old is scared to go to school",
    ],
)
def test_a_child_and_a_risk_would_be_asked_about_instead_of_turned_away(rule, text):
    assert rule.applies(text, "out_of_scope")
    assert rule.applies(text, "start_again")
    assert rule.applies(text, None)


@pytest.mark.parametrize(
    "text",
    [
        "what's the weather like in Leeds",
        "my son loves football",
        "the police closed the road again",
        "how do I cook rice",
    ],
)
def test_without_both_a_child_and_a_risk_there_is_no_check(rule, text):
    assert not rule.applies(text, "out_of_scope")


@pytest.mark.parametrize("intent", ["danger", "confront", "ask_warning_signs", "describe_warning_sign"])
def test_messages_answered_on_their_own_are_not_checked(rule, intent):
    assert not rule.applies("my son has a knife", intent)


def test_words_match_whole_not_inside_other_words(rule):
    assert not rule.speaks_of_child_and_risk("the sheriff shot a film about shepherds")
    assert rule.speaks_of_child_and_risk("she shot a look at me and ran away")


def test_an_unsure_danger_classifier_asks_whatever_the_intent(rule):
    text = "my son came home with a cut on his face and won't say who did it"
    assert not rule.applies(text, "describe_warning_sign", probability=0.0)
    assert rule.applies(text, "describe_warning_sign", probability=rule.unsure_probability)
    assert not rule.applies("what's the weather", "describe_warning_sign", probability=0.9)
