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


def next_escalation_step(tracker: DialogueStateTracker, escalations: Dict[str, List[str]]) -> str | None:
    """The next action of the escalation for the latest intent, or None when there is none to take."""
    steps = escalations.get(tracker.latest_message.intent.get(INTENT_NAME_KEY) or "")
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
        """Above the RulePolicy, so that it is consulted first; no escalations unless configured."""
        return {"priority": RULE_POLICY_PRIORITY + 1, "escalations": {}}

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
        step = next_escalation_step(tracker, self.config["escalations"])
        if step is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(step)] = 1.0
        # A form's own turn is a "no user" prediction, which outranks any other
        # kind; the escalation has to be one too, to come before it.
        return self._prediction(probabilities, is_no_user_prediction=True)
