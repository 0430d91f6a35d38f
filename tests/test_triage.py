"""The warning-sign triage, action by action, with rasa-sdk's Tracker and CollectingDispatcher."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import (
    ActionAskTriageAnswer,
    ActionTriageSummary,
    Triage,
    ValidateTriageForm,
    next_question,
)


def tracker(
    intent: str,
    text: str = "",
    signs: List[str] | None = None,
    slots: Dict[str, Any] | None = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": "warning_sign", "value": s, "start": 0, "end": 1} for s in signs or []],
        "text": text,
    }
    return Tracker("parent-1", slots or {}, latest, [], False, None, {"name": "triage_form"}, "action_listen")


def answer(value: str, t: Tracker) -> tuple[List[str], Dict[str, Any]]:
    """Validate one triage answer: the texts sent and the slots set."""
    dispatcher = CollectingDispatcher()
    slots = ValidateTriageForm().validate_triage_answer(value, dispatcher, t, {})
    return [m["text"] for m in dispatcher.messages], slots


def ask(slots: Dict[str, Any]) -> Dict[str, Any]:
    """The question the form asks next, as the parent sees it."""
    dispatcher = CollectingDispatcher()
    ActionAskTriageAnswer().run(dispatcher, tracker("describe_warning_sign", slots=slots), {})
    [message] = dispatcher.messages
    return message


def titles(message: Dict[str, Any]) -> List[str]:
    return [b["title"] for b in message["buttons"]]


def summarise(slots: Dict[str, Any], intent: str = "deny") -> tuple[str, List[Dict[str, Any]], List[Any]]:
    dispatcher = CollectingDispatcher()
    events = ActionTriageSummary().run(dispatcher, tracker(intent, slots=slots), {})
    return "\n\n".join(m.get("text") or "" for m in dispatcher.messages), dispatcher.messages, events


def test_a_new_sign_is_explained_without_diagnosing_and_kept():
    texts, slots = answer(
        "sign", tracker("describe_warning_sign", "he has two phones", ["more_than_one_phone"])
    )
    [text] = texts
    assert text.startswith("Having more than one phone or duplicate social media accounts.")
    assert "county lines" in text
    assert "This doesn't mean your child is being groomed" in text
    assert slots["warning_signs"] == ["more_than_one_phone"]
    assert slots["triage_answer"] is None  # the form goes on asking


def test_the_first_question_offers_what_often_goes_with_the_sign():
    message = ask({"warning_signs": ["more_than_one_phone"]})
    assert message["text"].startswith("It often goes with: increased secrecy or defensiveness")
    assert message["text"].endswith("Have you noticed any of these?")
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[:3] == [
        '/describe_warning_sign{"warning_sign":"online_secrecy"}',
        '/describe_warning_sign{"warning_sign":"unknown_contacts"}',
        '/describe_warning_sign{"warning_sign":"unexplained_money_or_gifts"}',
    ]
    assert payloads[3:] == ["/deny", "/unsure", "/ask_what_to_do"]
    assert titles(message)[3:] == ["No", "Not sure", "What should I do?"]


def test_several_signs_in_one_message_are_all_kept():
    t = tracker("describe_warning_sign", "", ["more_than_one_phone", "staying_out"])
    texts, slots = answer("sign", t)
    assert "Having more than one phone" in texts[0] and "Staying out all night" in texts[0]
    assert texts[0].count("This doesn't mean") == 1
    assert slots["warning_signs"] == ["more_than_one_phone", "staying_out"]


def test_no_rules_out_the_signs_asked_about_and_moves_on():
    slots = {"warning_signs": ["more_than_one_phone"]}
    offered = next_question(Triage(("more_than_one_phone",))).signs
    texts, new = answer("no", tracker("deny", "no", slots=slots))
    assert texts == []
    assert new["signs_ruled_out"] == offered
    assert new["triage_answer"] is None
    # Every sign so far is online, so the next question is about offline ones.
    question = ask({**slots, **new})
    assert question["text"].startswith("Not all grooming happens online.")
    assert "Staying out all night" in titles(question) or "Staying out" in " ".join(titles(question))


def test_not_sure_is_remembered_for_the_summary():
    slots = {"warning_signs": ["staying_out"]}
    offered = next_question(Triage(("staying_out",))).signs
    _, new = answer("not_sure", tracker("unsure", "not sure", slots=slots))
    assert new["signs_unsure"] == offered
    text, _, _ = summarise({**slots, **new})
    assert "Not sure yet:" in text


def test_only_offline_signs_get_told_online_contact_can_still_be_part_of_it():
    triage = Triage(("dressing_differently",), ruled_out=("unexplained_money_or_gifts", "older_friends"))
    question = next_question(triage)
    assert question and question.kind == "online"
    message = ask(triage.slots())
    assert message["text"].startswith("Online contact can still be part of it")


def test_a_free_text_sign_as_an_answer_is_added():
    slots = {"warning_signs": ["more_than_one_phone"]}
    texts, new = answer("sign", tracker("describe_warning_sign", "he stays out late", ["staying_out"], slots))
    assert texts[0].startswith("Staying out all night or going missing.")
    assert new["warning_signs"] == ["more_than_one_phone", "staying_out"]


def test_yes_without_a_sign_asks_which_one_and_keeps_the_question():
    slots = {"warning_signs": ["more_than_one_phone"]}
    texts, new = answer("yes", tracker("affirm", "yes", slots=slots))
    assert texts == ["Which one? Tap it below, or tell me in your own words."]
    assert new["signs_ruled_out"] == [] and new["triage_answer"] is None


def test_a_sign_told_twice_is_not_explained_twice():
    slots = {"warning_signs": ["staying_out"]}
    texts, new = answer("sign", tracker("describe_warning_sign", "", ["staying_out"], slots))
    assert texts == ["You've already told me about: staying out all night or going missing."]
    assert new["warning_signs"] == ["staying_out"]


def test_an_unrecognised_description_gets_the_list_and_a_first_question():
    texts, new = answer("sign", tracker("describe_warning_sign", "hes just not himself"))
    assert "These are the warning signs to look out for" in texts[0]
    assert "Online:" in texts[0] and "Offline:" in texts[0]
    assert new["triage_answer"] is None
    question = ask(new)
    assert question["text"].startswith("What have you noticed?")
    assert len(question["buttons"]) == 4 + 3


def test_start_again_forgets_the_signs_but_not_the_danger():
    slots = {"warning_signs": ["staying_out"], "signs_ruled_out": ["older_friends"], "danger_raised": True}
    texts, new = answer("start_again", tracker("start_again", "start again", slots=slots))
    assert texts == ["OK, let's start again. I've put aside what you told me before."]
    assert new["warning_signs"] == [] and new["signs_ruled_out"] == []
    assert "danger_raised" not in new
    question = ask({**slots, **new})
    assert question["text"].startswith("What have you noticed?")
    assert question["text"].endswith("Remember: if a child is in immediate danger, call 999.")


def test_done_ends_the_triage_whatever_is_left():
    _, new = answer("done", tracker("ask_what_to_do", slots={"warning_signs": ["staying_out"]}))
    assert new["triage_answer"] == "done"


def test_the_triage_ends_when_nothing_is_left_to_ask():
    triage = Triage(("extreme_views",))
    asked = 0
    while (question := next_question(triage)) is not None:
        triage = Triage(triage.noticed, triage.ruled_out + tuple(question.signs))
        asked += 1
        assert asked < 10
    assert 1 <= asked <= 4


def test_summary_lists_signs_by_kind_what_they_point_to_and_who_to_call():
    slots = {"warning_signs": ["more_than_one_phone", "staying_out", "unexplained_money_or_gifts"]}
    text, _, events = summarise(slots)
    assert text.startswith("Here's a summary of what you've told me.")
    assert (
        text.index("Online signs:") < text.index("Having more than one phone") < text.index("Offline signs:")
    )
    assert "Together, these signs can point to sexual exploitation or gangs and county lines." in text
    assert "This doesn't mean your child is being groomed" in text
    assert "Never confront a potential abuser yourself" in text
    assert "Do not delete messages" in text
    assert "CEOP" in text and "Crimestoppers" in text
    assert "NSPCC Helpline" in text and "0808 800 5000" in text
    assert "Quilliam" not in text
    assert SlotSet("triage_answer", None) in events
    assert SlotSet("topic", "sexual_exploitation") in events


def test_summary_for_radicalisation_signs_names_act_early():
    text, _, events = summarise({"warning_signs": ["extreme_views"]})
    assert "can point to radicalisation and extremism." in text
    who_can_help = text[text.index("Who can help:") : text.index("To talk it through with a person:")]
    assert "ACT Early" in who_can_help
    assert "CEOP" not in who_can_help


def test_summary_without_signs_still_gives_the_next_steps_and_a_person():
    text, _, events = summarise({})
    assert text.startswith("You haven't told me about a particular warning sign.")
    assert "NSPCC Helpline" in text and "call 999" in text
    assert SlotSet("topic", "gangs") not in events


def test_summary_keeps_the_999_line_once_danger_was_raised():
    text, _, _ = summarise({"warning_signs": ["staying_out"], "danger_raised": True})
    assert text.endswith("Remember: if a child is in immediate danger, call 999.")


def test_goodbye_during_the_triage_gets_the_summary_then_goodbye():
    _, messages, _ = summarise({"warning_signs": ["staying_out"]}, intent="goodbye")
    assert messages[-1] == {
        "text": None,
        "buttons": [],
        "elements": [],
        "custom": {},
        "template": "utter_goodbye",
        "response": "utter_goodbye",
        "image": None,
        "attachment": None,
    }


def test_a_sign_id_the_content_does_not_know_is_treated_as_unrecognised():
    texts, new = answer("sign", tracker("describe_warning_sign", "/describe_warning_sign", ["no_such_sign"]))
    assert texts[0].startswith("Thank you for telling me. I couldn't match that")
    assert new["warning_signs"] == [] and new["triage_answer"] is None
    slots = {"warning_signs": ["no_such_sign", "staying_out"]}  # e.g. a sign since removed from the content
    assert Triage.from_tracker(tracker("deny", slots=slots)).noticed == ("staying_out",)
