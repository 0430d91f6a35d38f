"""Small helpers that turn content entries into reply text and buttons.

All wording comes from content/guidance.yml (``formats`` and ``buttons``) and
the organisation directory; these functions only put the pieces together.
"""

from __future__ import annotations

import datetime
import json
from abc import ABC, abstractmethod
from typing import Any, Dict, Iterable, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import askers
from safeguarding.content import hours
from safeguarding.content.loader import Content, get_content

Button = Dict[str, str]


def content() -> Content:
    """The validated content files, loaded once per process."""
    return get_content()


def fmt(key: str, /, **values: Any) -> str:
    """Fill one of the ``formats`` of content/guidance.yml."""
    return content().guidance["formats"][key].format(**values)


def bullets(items: Iterable[str]) -> str:
    """One bulleted line per item."""
    return "\n".join(fmt("bullet", item=item) for item in items)


def entity_values(tracker: Tracker, entity: str) -> List[str]:
    """Values of one entity type in the latest message, in order, without repeats."""
    values: List[str] = []
    for found in tracker.latest_message.get("entities", []) or []:
        if found.get("entity") == entity and found.get("value") not in values:
            values.append(found["value"])
    return values


def current_topic(tracker: Tracker) -> str | None:
    """The topic named in the latest message, else one its warning signs point to, else the one before."""
    named = [t for t in entity_values(tracker, "topic") if t in content().topics]
    if named:
        return named[0]
    signs = content().warning_signs
    for sign_id in entity_values(tracker, "warning_sign"):
        if sign_id in signs and len(signs[sign_id]["topics"]) == 1:
            return signs[sign_id]["topics"][0]
    remembered = tracker.get_slot("topic")
    return remembered if remembered in content().topics else None


def triage_text(key: str, /, **values: Any) -> str:
    """Fill one of the triage texts of content/guidance.yml."""
    return content().guidance["triage"][key].format(**values)


def addressed(tracker: Tracker, text: str, always_note: bool = False) -> str:
    """Word a reply for who is asking: a relative or friend, or school staff, get their note and words.

    The note is said when the parent's latest message is the first to name
    them (and whenever ``always_note``); parents' replies are unchanged.
    """
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    latest = tracker.latest_message.get("text") or ""
    if not said or said[-1] != latest:
        said.append(latest)
    asker_id, first = askers.asker_in_conversation(said, content())
    if asker_id is None:
        return text
    asker = content().guidance["askers"][asker_id]
    text = askers.address(text, asker)
    return f"{asker['note']}\n\n{text}" if first or always_note else text


def reply(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    buttons: List[Button] | None = None,
    always_note: bool = False,
) -> None:
    """Send a reply worded for who is asking; once a parent has told of danger, it keeps the 999 line."""
    text = addressed(tracker, text, always_note)
    if tracker.get_slot("danger_raised"):
        text = f"{text}\n\n{fmt('danger_reminder')}"
    dispatcher.utter_message(text=text, buttons=buttons or [])


def payload(intent: str, **entities: str) -> str:
    """What a quick reply sends: the intent, with its entities as JSON when given."""
    return f"/{intent}" + (json.dumps(entities, separators=(",", ":")) if entities else "")


def button(title_key: str, intent: str, **entities: str) -> Button:
    """A quick-reply button titled from content/guidance.yml ``buttons``."""
    return {"title": content().guidance["buttons"][title_key], "payload": payload(intent, **entities)}


def topic_button(topic_id: str) -> Button:
    """A button that explains another topic."""
    name = content().topics[topic_id]["name"]
    title = content().guidance["buttons"]["topic"].format(name=name)
    return {"title": title, "payload": payload("ask_topic", topic=topic_id)}


def sign_button(sign_id: str) -> Button:
    """A quick reply that tells the assistant the parent has noticed a warning sign."""
    title = content().warning_signs[sign_id]["short"]
    return {"title": title, "payload": payload("describe_warning_sign", warning_sign=sign_id)}


def signs_of_kind(kind: str, topic: str | None = None) -> List[Dict[str, Any]]:
    """Warning signs of one kind (online or offline), for a topic when given."""
    return [
        sign
        for sign in content().warning_signs.values()
        if sign["kind"] == kind and (topic in (None, "grooming") or topic in sign["topics"])
    ]


def opening_hours(org: Dict[str, Any], now: datetime.datetime) -> str:
    """When a line is open, said for ``now``: 24/7, open now, closed now, or not confirmed."""
    hours_ = org.get("hours")
    state = hours.is_open(hours_, now)
    if hours_ == hours.ALWAYS:
        return fmt("hours_always")
    if state is None or not isinstance(hours_, dict):
        return fmt("hours_unknown")
    said = hours.hours_text(hours_, content().guidance["day_names"])
    return fmt("hours_open_now" if state else "hours_closed_now", hours=said)


def when_closed(org: Dict[str, Any], now: datetime.datetime) -> str:
    """What to do while a line is closed (or, with unconfirmed hours, cannot be reached); "" when open."""
    state = hours.is_open(org.get("hours"), now)
    if state or not org.get("when_closed"):
        return ""
    services = "; ".join(
        fmt("alternative", name=alt["name"], phone=alt["phone"], hours=fmt("hours_always"))
        for alt in content().live_organisations(org["when_closed"])
    )
    said = fmt("when_unconfirmed" if state is None else "when_closed", services=services)
    if state is False and org.get("out_of_hours"):
        said = f"{fmt('out_of_hours', what=org['out_of_hours'])} {said}"
    return said


def describe_service(org: Dict[str, Any], now: datetime.datetime | None = None) -> str:
    """A directory entry as a parent reads it: what it does, how to reach it and when, any caveat."""
    now = now or hours.uk_now()
    if org["status"] == "closed":
        return fmt("closed", name=org["name"], closed=org.get("closed", ""))
    if org["status"] == "inactive":
        return fmt("inactive", name=org["name"], last_active=org.get("last_active", ""))
    lines = [fmt("service", name=org["name"], covers=org["covers"])]
    contact = []
    if org.get("phone"):
        contact.append(f"{fmt('phone', phone=org['phone'])} ({opening_hours(org, now)})")
    if org.get("textphone"):
        contact.append(fmt("textphone", number=org["textphone"]))
    if org.get("sms"):
        sms = fmt("sms", number=org["sms"])
        contact.append(sms if org.get("phone") else f"{sms} ({opening_hours(org, now)})")
    if org.get("url"):
        contact.append(fmt("website", url=org["url"]))
    if contact:
        lines.append(" · ".join(contact))
    if closed := when_closed(org, now):
        lines.append(closed)
    if org["status"] == "unconfirmed":
        lines.append(fmt("unconfirmed", notes=org.get("notes", "")))
    return "\n".join(lines)


def describe_services(org_ids: Iterable[str], now: datetime.datetime | None = None) -> str:
    """Several live services, one paragraph each; closed and inactive ones are never offered."""
    live = content().live_organisations(list(org_ids))
    return "\n\n".join(describe_service(org, now) for org in live)


class TimedAction(Action, ABC):
    """An action whose replies depend on the time (opening hours).

    The clock is injected: the action server uses UK time now, tests a fixed time.
    """

    def __init__(self, clock: hours.Clock = hours.uk_now) -> None:
        self.clock = clock

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""
