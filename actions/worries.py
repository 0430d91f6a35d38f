"""Actions for a parent's story: reflect a worry back, and name the service a request asks for.

Wording is in content/worries.yml and content/requests.yml; services and
numbers come from the directory in content/organisations.yml.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import button, content, describe_services, entity_values, reply, sign_button


def worry_text(reply_id: str | None) -> tuple[str, List[str]]:
    """The reply for a story: reflection, one question and the helpline line; and the signs to offer."""
    worries = content().worries
    replies = {r["id"]: r for r in worries["replies"]}
    chosen = replies.get(reply_id or "") or worries["replies"][-1]
    helpline = content().organisation(content().directory["person_service"])
    closing = worries["closing"].format(phone=helpline["phone"], hours=helpline.get("hours", ""))
    return f"{chosen['reflect']} {chosen['ask']}\n\n{closing}", list(chosen["signs"])


class ActionDescribeWorry(Action):
    """Reflect a parent's story back in one sentence, ask one question, offer signs and the helpline."""

    def name(self) -> str:
        return "action_describe_worry"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        read = tracker.latest_message.get("worry") or {}
        text, signs = worry_text(read.get("reply"))
        known = content().warning_signs
        buttons = [sign_button(s) for s in signs if s in known]
        buttons.append(button("talk_to_person", "ask_human"))
        reply(dispatcher, tracker, text, buttons)
        return []


def request_text(request_id: str) -> str | None:
    """What the assistant says for one kind of request: its intro and its services, or None if unknown."""
    request = content().request(request_id)
    if request is None:
        return None
    return f"{request['intro']}\n\n{describe_services(request['services'])}"


class ActionSignpostRequest(Action):
    """Name the service that fits what the parent asked for (content/requests.yml)."""

    def name(self) -> str:
        return "action_signpost_request"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        for request_id in entity_values(tracker, "service_request"):
            text = request_text(request_id)
            if text is not None:
                reply(dispatcher, tracker, text, [button("talk_to_person", "ask_human")])
                return []
        person = content().directory["person_service"]
        reply(dispatcher, tracker, describe_services([person]))
        return []
