"""Actions that signpost organisations from the directory in content/organisations.yml."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import (
    button,
    content,
    current_topic,
    describe_service,
    describe_services,
    entity_values,
    fmt,
    payload,
    reply,
)


def _signpost(
    dispatcher: CollectingDispatcher, tracker: Tracker, role: str, intro: str
) -> List[Dict[str, Any]]:
    """Send the one or two services the topic lists for a role (help or report)."""
    topic_id = current_topic(tracker) or "grooming"
    topic = content().topic(topic_id)
    text = f"{fmt(intro, topic=topic['name'].lower())}\n\n{describe_services(topic[role])}"
    reply(dispatcher, tracker, text, [button("talk_to_person", "ask_human")])
    return [SlotSet("topic", topic_id)]


class ActionSignpostHelp(Action):
    """Name the one or two services that help with the topic."""

    def name(self) -> str:
        return "action_signpost_help"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        return _signpost(dispatcher, tracker, "help", "help_intro")


class ActionSignpostReport(Action):
    """Say where to report the topic (CEOP for grooming, ACT for extremism, Crimestoppers for gangs)."""

    def name(self) -> str:
        return "action_signpost_report"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        return _signpost(dispatcher, tracker, "report", "report_intro")


class ActionSignpostPerson(Action):
    """Give the NSPCC Helpline as the route to a person."""

    def name(self) -> str:
        return "action_signpost_person"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        service = describe_service(content().organisation(content().directory["person_service"]))
        reply(dispatcher, tracker, f"{fmt('person')}\n\n{service}")
        return []


class ActionDescribeOrganisation(Action):
    """Describe a named organisation; a closed one is explained and replaced, never offered."""

    def name(self) -> str:
        return "action_describe_organisation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        orgs = content().organisations
        named = [o for o in entity_values(tracker, "organisation") if o in orgs]
        if not named and tracker.get_slot("organisation") in orgs:
            named = [tracker.get_slot("organisation")]
        if not named:
            buttons = [
                {"title": orgs[o]["name"], "payload": payload("ask_organisation", organisation=o)}
                for o in content().directory["main_services"]
            ]
            reply(dispatcher, tracker, fmt("which_organisation"), buttons)
            return []
        for org_id in named[:2]:
            org = orgs[org_id]
            text = describe_service(org)
            if org["status"] == "closed":
                text += f"\n\n{fmt('closed_instead')}\n\n{describe_services(org.get('replaced_by', []))}"
            reply(dispatcher, tracker, text)
        return [SlotSet("organisation", named[0])]
