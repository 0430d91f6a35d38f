"""Actions that explain topics, warning signs and what a parent can do."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import (
    bullets,
    button,
    content,
    current_topic,
    fmt,
    reply,
    signs_of_kind,
    topic_button,
)


class ActionExplainTopic(Action):
    """Explain what grooming, sexual exploitation, radicalisation or gangs are and how they work."""

    def name(self) -> str:
        return "action_explain_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        topic_id = current_topic(tracker) or "grooming"
        topic = content().topic(topic_id)
        buttons = [
            button("warning_signs", "ask_warning_signs", topic=topic_id),
            button("who_can_help", "ask_help", topic=topic_id),
        ] + [topic_button(related) for related in topic["related"]]
        reply(dispatcher, tracker, f"{topic['what_it_is']}\n\n{topic['how_it_works']}", buttons)
        return [SlotSet("topic", topic_id)]


class ActionExplainOfflineSigns(Action):
    """Say that not all grooming happens online, and list the offline warning signs."""

    def name(self) -> str:
        return "action_explain_offline_signs"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        offline = bullets(sign["label"] for sign in signs_of_kind("offline", current_topic(tracker)))
        text = f"{content().guidance['not_only_online']}\n\n{fmt('offline_heading')}\n{offline}"
        reply(
            dispatcher,
            tracker,
            text,
            [button("what_to_do", "ask_what_to_do"), button("talk_to_person", "ask_human")],
        )
        return []


class ActionListWarningSigns(Action):
    """List the online warning signs (for the topic asked about) and the offline ones."""

    def name(self) -> str:
        return "action_list_warning_signs"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        topic_id = current_topic(tracker)
        guidance = content().guidance
        online = bullets(sign["label"] for sign in signs_of_kind("online", topic_id))
        offline = bullets(sign["label"] for sign in signs_of_kind("offline", topic_id))
        text = (
            f"{guidance['signs_intro']}\n{online}\n\n{guidance['not_only_online']}\n"
            f"{fmt('offline_heading')}\n{offline}"
        )
        if topic_id in (None, "grooming", "sexual_exploitation"):
            reading = guidance["more_reading"]
            url = content().organisation(reading["service"])["url"]
            text += "\n\n" + fmt("more_reading", title=reading["title"], url=url)
        reply(
            dispatcher,
            tracker,
            text,
            [
                button("what_to_do", "ask_what_to_do"),
                button("who_can_help", "ask_help", **({"topic": topic_id} if topic_id else {})),
            ],
        )
        return [SlotSet("topic", topic_id)] if topic_id else []


class ActionExplainWhatToDo(Action):
    """Give the calm next steps: talk, keep evidence, don't confront, who to call."""

    def name(self) -> str:
        return "action_explain_what_to_do"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        steps = bullets(content().guidance["what_to_do"])
        reply(
            dispatcher,
            tracker,
            f"{fmt('what_to_do_intro')}\n{steps}",
            [button("report", "ask_report"), button("talk_to_person", "ask_human")],
            always_note=True,
        )
        return []
