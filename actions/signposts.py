"""Actions that signpost organisations from the directory in content/organisations.yml."""

from __future__ import annotations

import datetime
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import (
    TimedAction,
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
from safeguarding.content.loader import NOT_OFFERED


def _signpost(
    dispatcher: CollectingDispatcher, tracker: Tracker, role: str, intro: str, now: datetime.datetime
) -> List[Dict[str, Any]]:
    """Send the one or two services the topic lists for a role (help or report)."""
    topic_id = current_topic(tracker) or "grooming"
    topic = content().topic(topic_id)
    text = f"{fmt(intro, topic=topic['name'].lower())}\n\n{describe_services(topic[role], now)}"
    reply(dispatcher, tracker, text, [button("talk_to_person", "ask_human")])
    return [SlotSet("topic", topic_id)]


class ActionSignpostHelp(TimedAction):
    """Name the one or two services that help with the topic."""

    def name(self) -> str:
        return "action_signpost_help"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        return _signpost(dispatcher, tracker, "help", "help_intro", self.clock())


class ActionSignpostReport(TimedAction):
    """Say where to report the topic (CEOP for grooming, ACT for extremism, Crimestoppers for gangs)."""

    def name(self) -> str:
        return "action_signpost_report"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        return _signpost(dispatcher, tracker, "report", "report_intro", self.clock())


def named_organisations(tracker: Tracker) -> List[str]:
    """The directory's organisations the parent names, else the one talked about before, if any."""
    orgs = content().organisations
    named = [o for o in entity_values(tracker, "organisation") if o in orgs]
    if not named and tracker.get_slot("organisation") in orgs:
        named = [tracker.get_slot("organisation")]
    return named


class ActionSignpostPerson(TimedAction):
    """Give the NSPCC Helpline as the route to a person."""

    def name(self) -> str:
        return "action_signpost_person"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        person = content().organisation(content().directory["person_service"])
        service = describe_service(person, self.clock())
        reply(dispatcher, tracker, f"{fmt('person')}\n\n{service}")
        return []


class ActionDescribeOrganisation(TimedAction):
    """Describe a named organisation; a closed one is explained and replaced, never offered."""

    def name(self) -> str:
        return "action_describe_organisation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        orgs = content().organisations
        named = named_organisations(tracker)
        if not named:
            buttons = [
                {"title": orgs[o]["name"], "payload": payload("ask_organisation", organisation=o)}
                for o in content().directory["main_services"]
            ]
            reply(dispatcher, tracker, fmt("which_organisation"), buttons)
            return []
        now = self.clock()
        for org_id in named[:2]:
            org = orgs[org_id]
            text = describe_service(org, now)
            if org["status"] in NOT_OFFERED:
                instead = describe_services(org.get("replaced_by", []), now)
                text += f"\n\n{fmt('closed_instead')}\n\n{instead}"
            reply(dispatcher, tracker, text)
        return [SlotSet("organisation", named[0])]


def what_happens(org: Dict[str, Any]) -> str:
    """What a parent can expect when they contact a service: anonymity, who answers, what next."""
    return fmt("what_happens", name=org["name"], **org["what_happens"])


class ActionExplainWhatHappens(Action):
    """Say what happens when a parent calls or reports: the service named, else the topic's report route."""

    def name(self) -> str:
        return "action_explain_what_happens"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        named = named_organisations(tracker)
        topic_id = current_topic(tracker) or "grooming"
        chosen = named[:2] or content().topic(topic_id)["report"]
        live = [org for org in content().live_organisations(chosen) if "what_happens" in org]
        text = "\n\n".join([fmt("what_happens_intro"), *(what_happens(org) for org in live)])
        buttons = [button("report", "ask_report"), button("talk_to_person", "ask_human")]
        reply(dispatcher, tracker, text, buttons)
        return [SlotSet("topic", topic_id)] if not named else []
