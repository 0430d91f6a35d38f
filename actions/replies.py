"""Small helpers that turn content entries into reply text and buttons.

All wording comes from content/guidance.yml (``formats`` and ``buttons``) and
the organisation directory; these functions only put the pieces together.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

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


def reply(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, buttons: List[Button] | None = None
) -> None:
    """Send a reply; once a parent has told of danger, it keeps the 999 line."""
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


def describe_service(org: Dict[str, Any]) -> str:
    """A directory entry as a parent reads it: what it does, how to reach it, any caveat."""
    if org["status"] == "closed":
        return fmt("closed", name=org["name"], closed=org.get("closed", ""))
    lines = [fmt("service", name=org["name"], covers=org["covers"])]
    contact = []
    if org.get("phone"):
        hours = org.get("hours")
        when = fmt("hours", hours=hours) if hours and hours != "unconfirmed" else fmt("hours_unknown")
        contact.append(f"{fmt('phone', phone=org['phone'])} ({when})")
    if org.get("url"):
        contact.append(fmt("website", url=org["url"]))
    if contact:
        lines.append(" · ".join(contact))
    if org["status"] == "unconfirmed":
        lines.append(fmt("unconfirmed", notes=org.get("notes", "")))
    return "\n".join(lines)


def describe_services(org_ids: Iterable[str]) -> str:
    """Several live services, one paragraph each; closed ones are never offered."""
    return "\n\n".join(describe_service(org) for org in content().live_organisations(list(org_ids)))
