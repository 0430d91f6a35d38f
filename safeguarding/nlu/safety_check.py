"""The safety check: a message about a child and a risk, which no layer calls danger, is asked about.

The words are in content/safety_check.yml. The component runs last in the
NLU pipeline: where the intent is one that would turn the parent away (out
of scope, start again, goodbye, thanks, the fallback...), or the danger
classifier is unsure (its probability in the band below its threshold), and
the message
speaks of a child together with a risk word, it flags the message
(``safety_check`` in the parse result). The escalation policy then sends
the safety check (domain.yml ``utter_safety_check``: the 999 line,
never-confront, the NSPCC Helpline and "Is a child in danger right now?")
instead of the reply that intent would get.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Pattern

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from safeguarding.content.loader import get_content
from safeguarding.nlu.graph import DANGER_MODEL_KEY, SAFETY_CHECK_KEY, FromConfig, intent_name, with_text
from safeguarding.nlu.text import fold

ESCALATED = ("danger", "confront")


def _words(phrases: Iterable[str]) -> Pattern[str]:
    """One pattern matching any of the phrases as whole words."""
    alternatives = sorted((re.escape(p).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


class SafetyCheckRule:
    """Decides whether a message speaks of a child together with a risk."""

    def __init__(self, settings: Dict[str, Any]) -> None:
        """Compile the word lists of content/safety_check.yml."""
        self.instead_of = frozenset(settings["instead_of"])
        self.unsure_probability = float(settings["unsure_probability"])
        self._child = _words(settings["child"])
        self._risk = _words(settings["risk"])

    @staticmethod
    def _plain(text: str) -> str:
        return fold(text).replace("'", "")

    def speaks_of_child_and_risk(self, text: str) -> bool:
        """True when the message names a child (or the family) and a risk word."""
        plain = self._plain(text)
        return bool(self._child.search(plain) and self._risk.search(plain))

    def applies(self, text: str, intent: str | None, probability: float = 0.0) -> bool:
        """True when a message about a child at risk would be turned away, or the danger classifier is unsure.

        ``probability`` is the danger classifier's, below its own threshold
        (else the message is already danger).
        """
        if intent in ESCALATED:
            return False
        unsure = probability >= self.unsure_probability
        turned_away = (intent or "nlu_fallback") in self.instead_of
        return (turned_away or unsure) and self.speaks_of_child_and_risk(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyCheck(FromConfig):
    """Flags a message for the safety check where a child at risk would otherwise be turned away."""

    def __init__(self, config: Dict[str, Any]) -> None:
        """Read the word lists of the content files."""
        super().__init__(config)
        self._rule = SafetyCheckRule(get_content().safety_check)

    def process(self, messages: List[Message]) -> List[Message]:
        """Ask about the messages that speak of a child at risk and would be turned away."""
        for message, text in with_text(messages):
            intent = intent_name(message)
            probability = float((message.get(DANGER_MODEL_KEY) or {}).get("probability") or 0.0)
            if self._rule.applies(text, intent, probability):
                message.set(SAFETY_CHECK_KEY, {"instead_of": intent}, add_to_output=True)
        return messages
