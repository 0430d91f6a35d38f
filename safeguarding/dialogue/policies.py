"""The escalation policy: danger and confront get their replies in every state of a conversation.

Rasa's rules do not apply while a form is active, and a form that calls the
action server can fail before any rule is tried. This policy looks only at the
intent of the latest message, which the danger detector sets, and walks
through the escalation steps in config.yml first; then it hands back to the
active form, if any, so the parent returns to the question they were on.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.constants import RULE_POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY


def actions_since_user_message(tracker: DialogueStateTracker) -> List[str]:
    """Names of the actions run since the latest user message, oldest first."""
    names: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            names.append(event.action_name)
    return names[::-1]


def last_bot_action(tracker: DialogueStateTracker) -> str | None:
    """The last action before the latest user message, other than listening."""
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            seen_user = True
        elif seen_user and isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            return event.action_name
    return None


def escalated_intent(
    tracker: DialogueStateTracker,
    escalations: Dict[str, List[str]],
    confirmations: Dict[str, Dict[str, str]],
    flags: List[str],
) -> str:
    """What the latest message calls for.

    Its intent; or what it confirms ("yes" to "Is a child in danger right
    now?" is danger); or a flag the NLU set on it (``safety_check``), which
    counts only where the intent itself is not escalated.
    """
    intent = tracker.latest_message.intent.get(INTENT_NAME_KEY) or ""
    confirmed = confirmations.get(last_bot_action(tracker) or "", {}).get(intent)
    if confirmed:
        return confirmed
    if intent in escalations:
        return intent
    parse = tracker.latest_message.parse_data
    flagged = [flag for flag in flags if parse.get(flag)]  # type: ignore[misc]
    return flagged[0] if flagged else intent


def next_escalation_step(
    tracker: DialogueStateTracker,
    escalations: Dict[str, List[str]],
    confirmations: Dict[str, Dict[str, str]] | None = None,
    flags: List[str] | None = None,
) -> str | None:
    """The next action of the escalation for the latest intent, or None when there is none to take."""
    steps = escalations.get(escalated_intent(tracker, escalations, confirmations or {}, flags or []))
    if not steps:
        return None
    done = actions_since_user_message(tracker)
    pending = [step for step in steps if step not in done]
    if pending:
        return pending[0]
    loop = tracker.active_loop_name
    if loop:
        return None if loop in done else loop
    return None if ACTION_LISTEN_NAME in done else ACTION_LISTEN_NAME


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class EscalationPolicy(Policy):
    """Predicts the escalation steps for danger and confront before anything else, forms included."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Above the RulePolicy, so that it is consulted first; no escalations unless configured.

        ``confirmations`` maps a question the assistant asked to the answers
        that mean an escalated intent ({utter_safety_check: {affirm: danger}});
        ``flags`` are keys the NLU may set on a message that act as intents.
        """
        return {"priority": RULE_POLICY_PRIORITY + 1, "escalations": {}, "confirmations": {}, "flags": []}

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: the steps come from config.yml."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Predict the next escalation step with certainty, or abstain."""
        probabilities = self._default_predictions(domain)
        config = self.config
        step = next_escalation_step(tracker, config["escalations"], config["confirmations"], config["flags"])
        if step is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(step)] = 1.0
        # A form's own turn is a "no user" prediction, which outranks any other
        # kind; the escalation has to be one too, to come before it.
        return self._prediction(probabilities, is_no_user_prediction=True)
