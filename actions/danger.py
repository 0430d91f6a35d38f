"""The topic-specific part of an escalation, sent after the 999 domain response."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import (
    TimedAction,
    addressed,
    bullets,
    content,
    current_topic,
    describe_services,
    fmt,
)

MAX_SERVICES = 2


def danger_kinds(tracker: Tracker) -> List[str]:
    """Kinds the lexicon (else the classifier) found, else the kind for the topic, else the fallback kind."""
    danger = content().danger
    parsed = tracker.latest_message.get("danger") or {}
    found = parsed.get("kinds") or []
    if not found and parsed.get("encoder"):
        found = [parsed.get("encoder_kind")]
    kinds = [k for k in found if k in danger["kinds"]]
    if kinds:
        return kinds
    topic_kind = danger["topic_kinds"].get(current_topic(tracker) or "")
    return [topic_kind or danger["fallback_kind"]]


def requested_services(tracker: Tracker) -> List[str]:
    """The services of the kind of help the parent asked for in the same message (content/requests.yml)."""
    asked = (tracker.latest_message.get("danger") or {}).get("requests") or []
    requests = [content().request(r) for r in asked]
    return [s for request in requests if request for s in request["services"]]


class ActionDangerFollowup(TimedAction):
    """Add the one or two services (first the one asked for) and the safety steps for the kind of danger."""

    def name(self) -> str:
        return "action_danger_followup"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        kinds = [content().danger["kinds"][k] for k in danger_kinds(tracker)]
        kind_services = [s for kind in kinds for s in kind["services"]]
        services = list(dict.fromkeys([*requested_services(tracker), *kind_services]))[:MAX_SERVICES]
        steps = list(dict.fromkeys(step for kind in kinds for step in kind["steps"]))
        text = (
            f"{fmt('danger_services')}\n\n{describe_services(services, self.clock())}\n\n"
            f"{fmt('danger_steps')}\n{bullets(steps)}"
        )
        dispatcher.utter_message(text=addressed(tracker, text))
        return [SlotSet("danger_raised", True)]
