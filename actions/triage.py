"""The warning-sign triage: from "my child has two phones" to a summary and a next step.

A parent describes what they have noticed; ``triage_form`` keeps asking about
the signs that often go with it until the parent has nothing more to add, then
``action_triage_summary`` sums up. What has been noticed, ruled out or left
unsure lives in slots, so the next question follows from them alone.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import (
    TimedAction,
    bullets,
    content,
    describe_services,
    entity_values,
    fmt,
    payload,
    reply,
    sign_button,
    signs_of_kind,
    triage_text,
)

NOTICED, RULED_OUT, UNSURE = "warning_signs", "signs_ruled_out", "signs_unsure"
OTHER_KIND_ASKED = "other_kind_asked"


@dataclass(frozen=True)
class Triage:
    """The signs a parent has noticed, ruled out, or is not sure about.

    ``other_kind_asked`` is set once the parent has answered the question about
    offline signs (when all they told of was online) or the other way round.
    """

    noticed: Tuple[str, ...] = ()
    ruled_out: Tuple[str, ...] = ()
    unsure: Tuple[str, ...] = ()
    other_kind_asked: bool = False

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> Triage:
        """Read the triage from its slots, ignoring ids the content no longer has."""
        known = content().warning_signs

        def signs(slot: str) -> Tuple[str, ...]:
            return tuple(s for s in tracker.get_slot(slot) or [] if s in known)

        return cls(signs(NOTICED), signs(RULED_OUT), signs(UNSURE), bool(tracker.get_slot(OTHER_KIND_ASKED)))

    @property
    def answered(self) -> set[str]:
        """Every sign the parent has already said something about."""
        return {*self.noticed, *self.ruled_out, *self.unsure}

    def notice(self, signs: List[str]) -> Triage:
        """Add newly noticed signs; a sign noticed now is no longer ruled out or unsure."""
        noticed = tuple(dict.fromkeys([*self.noticed, *signs]))
        return replace(
            self,
            noticed=noticed,
            ruled_out=tuple(s for s in self.ruled_out if s not in noticed),
            unsure=tuple(s for s in self.unsure if s not in noticed),
        )

    def slots(self) -> Dict[str, Any]:
        """The slot values that keep this triage."""
        return {
            NOTICED: list(self.noticed),
            RULED_OUT: list(self.ruled_out),
            UNSURE: list(self.unsure),
            OTHER_KIND_ASKED: self.other_kind_asked,
        }


@dataclass(frozen=True)
class Question:
    """One triage question: which kind it is and the signs it offers as quick replies."""

    kind: str
    signs: List[str] = field(default_factory=list)


def _kind(sign_id: str) -> str:
    return content().warning_signs[sign_id]["kind"]


def next_question(triage: Triage) -> Question | None:
    """The next thing to ask, or None when there is nothing left worth asking.

    First what the parent has noticed; then the signs that often go with it;
    then, when every sign so far is online (or offline), the other kind.
    """
    settings = content().guidance["triage"]
    limit = settings["max_offered"]
    signs = content().warning_signs
    answered = triage.answered
    if not triage.noticed:
        return None if answered else Question("first", list(settings["starter_signs"]))
    related = [g for s in triage.noticed for g in signs[s]["goes_with"] if g not in answered]
    if related:
        return Question("related", list(dict.fromkeys(related))[:limit])
    kinds = {_kind(s) for s in triage.noticed}
    if len(kinds) == 1 and not triage.other_kind_asked:
        other = "offline" if kinds == {"online"} else "online"
        offered = [s for s in signs if _kind(s) == other and s not in answered][:limit]
        return Question(other, offered) if offered else None
    return None


def _labels(sign_ids: List[str] | Tuple[str, ...]) -> List[str]:
    signs = content().warning_signs
    return [signs[s]["label"] for s in sign_ids]


def explain_signs(sign_ids: List[str]) -> str:
    """Why each new sign can matter, without diagnosing."""
    signs = content().warning_signs
    paragraphs = [fmt("sign_noticed", **signs[s]) for s in sign_ids]
    return "\n\n".join([*paragraphs, content().guidance["sign_caveat"]])


def all_signs_text() -> str:
    """Every warning sign, online and offline, as two short lists."""
    online = bullets(s["label"] for s in signs_of_kind("online"))
    offline = bullets(s["label"] for s in signs_of_kind("offline"))
    return f"{fmt('online_heading')}\n{online}\n{fmt('offline_heading')}\n{offline}"


def _answer(value: str, triage: Triage, found: List[str]) -> Tuple[Triage, List[str], bool]:
    """Apply one answer: the new triage, what to tell the parent, and whether it is finished."""
    if value == "start_again":
        return Triage(), [triage_text("start_again")], False
    if value == "done":
        return triage, [], True
    asked = next_question(triage)
    messages: List[str] = []
    new = [s for s in found if s not in triage.noticed]
    if new:
        triage = triage.notice(new)
        messages.append(explain_signs(new))
    elif found:
        messages.append(triage_text("already_noted", signs="; ".join(_labels(found)).lower()))
    elif value == "yes" and asked and asked.signs:
        return triage, [triage_text("which_one")], False
    elif value in ("no", "not_sure") and asked:
        if asked.kind in ("online", "offline"):
            triage = replace(triage, other_kind_asked=True)
        if value == "no":
            triage = replace(triage, ruled_out=tuple(dict.fromkeys([*triage.ruled_out, *asked.signs])))
        else:
            triage = replace(triage, unsure=tuple(dict.fromkeys([*triage.unsure, *asked.signs])))
    elif triage.noticed:
        messages.append(triage_text("not_recognised"))
    else:
        intro = f"{triage_text('not_recognised')} {triage_text('signs_to_look_for')}"
        messages.append(f"{intro}\n{all_signs_text()}")
    return triage, messages, next_question(triage) is None


class ValidateTriageForm(FormValidationAction):
    """Take in each answer to a triage question: a sign, no, not sure, start again or done."""

    def name(self) -> str:
        return "validate_triage_form"

    def validate_triage_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Record the answer; keep asking (answer None) until the triage is done."""
        signs = content().warning_signs
        found = [s for s in entity_values(tracker, "warning_sign") if s in signs]
        triage, messages, finished = _answer(str(slot_value), Triage.from_tracker(tracker), found)
        for message in messages:
            dispatcher.utter_message(text=message)
        return {**triage.slots(), "triage_answer": "done" if finished else None}


def _question_text(question: Question) -> str:
    if question.kind == "related":
        return triage_text("related_question", signs="; ".join(_labels(question.signs)).lower())
    return triage_text(f"{question.kind}_question")


class ActionAskTriageAnswer(Action):
    """Ask the next triage question, with the signs it is about as quick replies."""

    def name(self) -> str:
        return "action_ask_triage_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        question = next_question(Triage.from_tracker(tracker)) or Question(
            "first", list(content().guidance["triage"]["starter_signs"])
        )
        answers = content().guidance["triage"]["buttons"]
        buttons = [sign_button(s) for s in question.signs] + [
            {"title": answers["no"], "payload": payload("deny")},
            {"title": answers["not_sure"], "payload": payload("unsure")},
            {"title": answers["done"], "payload": payload("ask_what_to_do")},
        ]
        reply(dispatcher, tracker, _question_text(question), buttons)
        return []


def point_to(noticed: Tuple[str, ...]) -> List[str]:
    """The kinds of exploitation the noticed signs can point to, most signs first."""
    signs = content().warning_signs
    order = list(content().topics)
    counts = Counter(topic for s in noticed for topic in signs[s]["topics"])
    return sorted(counts, key=lambda t: (-counts[t], order.index(t)))


def _join(names: List[str]) -> str:
    """Join names as "a", "a or b" or "a; b; or c" (a name may hold "and" itself)."""
    if len(names) < 3:
        return f" {triage_text('or')} ".join(names)
    return f"{'; '.join(names[:-1])}; {triage_text('or')} {names[-1]}"


def summary(triage: Triage, now: datetime.datetime | None = None) -> str:
    """What the parent noticed, what it can point to, what to do next and who can help."""
    topics = content().topics
    parts: List[str] = []
    if triage.noticed:
        parts.append(triage_text("summary_intro"))
        for kind in ("online", "offline"):
            labels = _labels([s for s in triage.noticed if _kind(s) == kind])
            if labels:
                parts.append(f"{triage_text(f'summary_{kind}')}\n{bullets(labels)}")
        if triage.unsure:
            parts.append(triage_text("summary_unsure", signs="; ".join(_labels(triage.unsure)).lower()))
        kinds = point_to(triage.noticed)
        names = [topics[t]["name"].lower() for t in kinds]
        caveat = content().guidance["sign_caveat"]
        parts.append(f"{triage_text('summary_topics', topics=_join(names))} {caveat}")
    else:
        kinds = []
        parts.append(triage_text("summary_none"))
    parts.append(f"{triage_text('summary_next')}\n{bullets(content().guidance['what_to_do'])}")
    services = content().services_for_topics(kinds)
    if services:
        parts.append(f"{triage_text('summary_services')}\n\n{describe_services(services, now)}")
    person = content().directory["person_service"]
    parts.append(f"{triage_text('summary_person')}\n\n{describe_services([person], now)}")
    parts.append(triage_text("summary_closing"))
    return "\n\n".join(parts)


class ActionTriageSummary(TimedAction):
    """Sum up the triage: signs noticed, what they can point to, what to do, who can help."""

    def name(self) -> str:
        return "action_triage_summary"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        triage = Triage.from_tracker(tracker)
        kinds = point_to(triage.noticed)
        topic = [SlotSet("topic", kinds[0])] if kinds else []
        reply(dispatcher, tracker, summary(triage, self.clock()), always_note=True)
        if tracker.latest_message.get("intent", {}).get("name") == "goodbye":
            dispatcher.utter_message(response="utter_goodbye")
        return [SlotSet("triage_answer", None), *topic]
