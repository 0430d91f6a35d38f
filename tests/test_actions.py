"""Each custom action, run with rasa-sdk's Tracker and CollectingDispatcher."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.danger import ActionDangerFollowup
from actions.signposts import (
    ActionDescribeOrganisation,
    ActionSignpostHelp,
    ActionSignpostPerson,
    ActionSignpostReport,
)
from actions.topics import (
    ActionExplainOfflineSigns,
    ActionExplainTopic,
    ActionExplainWhatToDo,
    ActionListWarningSigns,
)


def tracker(
    intent: str,
    text: str = "",
    entities: List[Dict[str, Any]] | None = None,
    slots: Dict[str, Any] | None = None,
    danger: Dict[str, Any] | None = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "text": text,
        "danger": danger or {"kinds": [], "confront": False},
    }
    return Tracker("parent-1", slots or {}, latest, [], False, None, {}, "action_listen")


def ent(entity: str, value: str) -> Dict[str, Any]:
    return {"entity": entity, "value": value, "start": 0, "end": 1}


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return dispatcher.messages, events


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_explain_topic_uses_the_named_topic_and_remembers_it():
    messages, events = run(ActionExplainTopic(), tracker("ask_topic", entities=[ent("topic", "gangs")]))
    text = texts(messages)
    assert "looking to gain respect and fit in" in text
    assert "feeling like you belong" in text
    assert "Most gang recruitment happens offline" in text
    assert events == [SlotSet("topic", "gangs")]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/ask_warning_signs{"topic":"gangs"}' in payloads
    assert '/ask_help{"topic":"gangs"}' in payloads


def test_explain_topic_defaults_to_grooming_and_links_the_other_kinds():
    messages, events = run(ActionExplainTopic(), tracker("ask_topic", "what is grooming"))
    text = texts(messages)
    assert "make them believe abusive behaviour is normal" in text
    assert "extremist groups and gangs groom young people too" in text
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "About Radicalisation and extremism" in titles
    assert events == [SlotSet("topic", "grooming")]


def test_radicalisation_topic_explains_how_extremists_groom():
    messages, _ = run(ActionExplainTopic(), tracker("ask_topic", entities=[ent("topic", "radicalisation")]))
    text = texts(messages)
    assert "vulnerable, insecure or disillusioned" in text
    assert "Social media has been a powerful recruitment tool" in text


def test_topic_remembered_from_earlier_in_the_conversation():
    _, events = run(ActionSignpostHelp(), tracker("ask_help", slots={"topic": "radicalisation"}))
    assert events == [SlotSet("topic", "radicalisation")]


def test_warning_signs_list_the_five_online_signs_and_the_offline_ones():
    messages, _ = run(ActionListWarningSigns(), tracker("ask_warning_signs", "what are the signs"))
    text = texts(messages)
    for label in (
        "Increased secrecy or defensiveness about online activity",
        "Having more than one phone or duplicate social media accounts",
        "Getting calls or messages from unknown contacts",
        "Not wanting to be away from their mobile phone",
        "Falling out with or ignoring their normal friends",
        "Staying out all night",
        "Dressing differently",
    ):
        assert label in text
    assert "not all, or even most, grooming happens online" in text
    reading = (
        "Read more: online safety advice for parents from CEOP Education (https://www.ceopeducation.co.uk/)"
    )
    assert reading in text
    assert "parentinfo" not in text.lower()


def test_radicalisation_signs_leave_out_signs_that_do_not_apply():
    messages, events = run(
        ActionListWarningSigns(), tracker("ask_warning_signs", entities=[ent("topic", "radicalisation")])
    )
    text = texts(messages)
    assert "New extreme views" in text
    assert "Having more than one phone" not in text
    assert events == [SlotSet("topic", "radicalisation")]


def test_offline_signs_say_not_all_grooming_is_online():
    messages, _ = run(ActionExplainOfflineSigns(), tracker("ask_offline_signs"))
    text = texts(messages)
    assert text.startswith("It's important to remember that not all, or even most, grooming happens")
    assert "Unexplained money, gifts or a new phone" in text


def test_what_to_do_has_the_calm_steps_and_never_confront():
    text = texts(run(ActionExplainWhatToDo(), tracker("ask_what_to_do"))[0])
    assert "Do not delete messages" in text
    assert "Never confront a potential abuser yourself" in text
    assert "call 999" in text


@pytest.mark.parametrize(
    ("topic", "names", "absent"),
    [
        ("radicalisation", ["ACT Early Support Line", "Educate Against Hate"], "Quilliam"),
        ("gangs", ["Crimestoppers", "Missing People (including SafeCall)"], "Gangs Unite"),
        ("grooming", ["NSPCC Helpline", "CEOP"], "Quilliam"),
    ],
)
def test_help_names_one_or_two_services_for_the_topic(topic, names, absent):
    messages, _ = run(ActionSignpostHelp(), tracker("ask_help", entities=[ent("topic", topic)]))
    text = texts(messages)
    for name in names:
        assert name in text
    assert absent not in text
    assert text.count("\n\n") == 2  # intro and two services


def test_help_shows_numbers_hours_and_what_to_use_when_hours_are_unconfirmed():
    text = texts(run(ActionSignpostHelp(), tracker("ask_help", entities=[ent("topic", "gangs")]))[0])
    assert "Phone 0800 555 111 (open 24/7)" in text
    assert "Phone 116 000 (opening hours not confirmed: check their website) · text 116 000" in text
    assert "If you can't get through: Police non-emergency number, 101 (open 24/7)." in text


def test_report_grooming_goes_to_ceop():
    text = texts(run(ActionSignpostReport(), tracker("ask_report", entities=[ent("topic", "grooming")]))[0])
    assert "CEOP" in text and "https://www.ceop.police.uk/Safety-Centre/" in text
    assert "Reports are not anonymous" in text


def test_report_extremism_goes_to_act_early_and_the_hotline():
    t = tracker("ask_report", entities=[ent("topic", "radicalisation")])
    text = texts(run(ActionSignpostReport(), t)[0])
    assert "0800 011 3764" in text and "0800 789 321" in text


def test_a_person_means_the_nspcc_helpline_only():
    text = texts(run(ActionSignpostPerson(), tracker("ask_human"))[0])
    assert "0808 800 5000" in text
    assert "opening hours not confirmed: check their website" in text
    assert "If you can't get through: Police non-emergency number, 101 (open 24/7)." in text
    assert "Childline" not in text


def test_describe_ceop():
    t = tracker("ask_organisation", "what is ceop", [ent("organisation", "ceop")])
    messages, events = run(ActionDescribeOrganisation(), t)
    assert "Report online sexual abuse or grooming" in texts(messages)
    assert events == [SlotSet("organisation", "ceop")]


def test_quilliam_is_explained_as_closed_and_replaced():
    t = tracker("ask_organisation", "is quilliam still going", [ent("organisation", "quilliam")])
    text = texts(run(ActionDescribeOrganisation(), t)[0])
    assert "Quilliam closed in April 2021" in text
    assert "ACT Early Support Line" in text and "Educate Against Hate" in text
    assert "quilliamfoundation.org" not in text


def test_an_unnamed_organisation_gets_a_choice():
    messages, events = run(ActionDescribeOrganisation(), tracker("ask_organisation", "what is that"))
    assert messages[0]["text"] == "Which organisation would you like to know about?"
    assert '/ask_organisation{"organisation":"ceop"}' in [b["payload"] for b in messages[0]["buttons"]]
    assert events == []


def test_danger_followup_names_the_service_for_the_kind_and_the_steps():
    t = tracker(
        "danger", "she is meeting a man from online tonight", danger={"kinds": ["meeting_online_contact"]}
    )
    messages, events = run(ActionDangerFollowup(), t)
    text = texts(messages)
    assert "Keep your child with you" in text
    assert "Do not delete messages" in text
    assert "CEOP" in text
    assert events == [SlotSet("danger_raised", True)]


def test_danger_followup_for_an_attack_gives_the_anti_terrorist_hotline():
    t = tracker("danger", danger={"kinds": ["attack_plans"]})
    text = texts(run(ActionDangerFollowup(), t)[0])
    assert "Anti-Terrorist Hotline" in text and "0800 789 321" in text


def test_danger_followup_without_a_matched_kind_uses_the_topic():
    t = tracker("danger", "my boy is in with a gang", [ent("topic", "gangs")])
    text = texts(run(ActionDangerFollowup(), t)[0])
    assert "Crimestoppers" in text


def test_danger_followup_never_lists_more_than_two_services():
    kinds = ["sextortion", "weapons", "attack_plans"]
    text = texts(run(ActionDangerFollowup(), tracker("danger", danger={"kinds": kinds}))[0])
    assert "CEOP" in text and "Report Remove" in text
    assert "Crimestoppers" not in text


def test_danger_followup_names_the_service_the_parent_asked_for_first():
    t = tracker(
        "danger",
        "my daughter is missing, who else can help besides the police",
        danger={"kinds": ["immediate_danger"], "requests": ["missing_child"]},
    )
    text = texts(run(ActionDangerFollowup(), t)[0])
    assert "Missing People" in text
    assert "NSPCC Helpline" not in text  # the kind's own service comes after the two asked for


def test_danger_followup_adds_the_kinds_service_after_the_one_asked_for():
    t = tracker(
        "danger",
        "how do i report a man sending my son sexual pictures",
        danger={"kinds": ["sexual_abuse"], "requests": ["sexual_contact_online"]},
    )
    text = texts(run(ActionDangerFollowup(), t)[0])
    assert text.index("CEOP") < text.index("NSPCC Helpline")


def test_a_sign_that_points_to_one_topic_picks_its_services():
    t = tracker("ask_report", entities=[ent("warning_sign", "extreme_views")])
    text = texts(run(ActionSignpostReport(), t)[0])
    assert "ACT Early Support Line" in text
    assert "CEOP" not in text


def test_once_danger_was_raised_every_reply_keeps_the_999_line():
    for action in (
        ActionSignpostHelp(),
        ActionExplainWhatToDo(),
        ActionExplainTopic(),
        ActionSignpostPerson(),
    ):
        before = texts(run(action, tracker("ask_help"))[0])
        after = texts(run(action, tracker("ask_help", slots={"danger_raised": True}))[0])
        assert after == f"{before}\n\nRemember: if a child is in immediate danger, call 999."


def test_what_happens_when_a_parent_reports_grooming_is_said():
    from actions.signposts import ActionExplainWhatHappens

    messages, events = run(
        ActionExplainWhatHappens(), tracker("ask_what_happens", "what happens if i report it")
    )
    text = texts(messages)
    assert text.startswith("Here is what happens when you contact them:")
    assert "*CEOP (Child Exploitation and Online Protection, National Crime Agency)*" in text
    assert "Can you stay anonymous? No: CEOP is part of law enforcement" in text
    assert "Who answers: A Child Protection Advisor reads every report." in text
    assert "What happens next: They contact you as quickly as the risk to the child needs" in text
    assert events == [SlotSet("topic", "grooming")]


def test_what_happens_for_a_named_service():
    from actions.signposts import ActionExplainWhatHappens

    t = tracker(
        "ask_what_happens", "what happens if i call crimestoppers", [ent("organisation", "crimestoppers")]
    )
    text = texts(run(ActionExplainWhatHappens(), t)[0])
    assert "*Crimestoppers*" in text and "Can you stay anonymous? Yes, always" in text
    assert "CEOP" not in text


@pytest.mark.parametrize(
    ("org_id", "instead"), [("gangs_unite", "St Giles Trust"), ("parent_info", "CEOP Education")]
)
def test_inactive_services_are_explained_with_what_replaces_them_and_never_linked(org_id, instead):
    t = tracker("ask_organisation", entities=[ent("organisation", org_id)])
    text = texts(run(ActionDescribeOrganisation(), t)[0])
    assert "has shown no sign of running since about 20" in text
    assert instead in text
    assert "gangsunitecic" not in text and "parentinfo" not in text and "http://" not in text


# --- Relatives, friends and school staff -------------------------------------


def _user(text: str) -> Dict[str, Any]:
    return {"event": "user", "text": text}


@pytest.mark.parametrize(
    "message",
    [
        "my friend's son has two phones what do i do",
        "what should i do about my niece",
        "im worried about my friends daughter",
    ],
)
def test_a_relative_or_friend_gets_the_same_steps_addressed_to_them(message):
    parent = texts(run(ActionExplainWhatToDo(), tracker("ask_what_to_do", "what should i do"))[0])
    text = texts(run(ActionExplainWhatToDo(), tracker("ask_what_to_do", message))[0])
    assert text.startswith("You don't have to be their parent to act, and the same advice applies to you.")
    assert "tell the child's parent or carer, unless you think they may be part of the harm" in text
    assert "your child" not in text and "put you and the child at risk" in text
    assert text.endswith(parent.replace("your child", "the child"))
    assert "designated safeguarding lead" not in text


@pytest.mark.parametrize("message", ["a pupil in my class has two phones", "what should i do as his teacher"])
def test_school_staff_are_pointed_to_their_designated_safeguarding_lead(message):
    text = texts(run(ActionExplainWhatToDo(), tracker("ask_what_to_do", message))[0])
    assert text.startswith("As school staff, tell your school's designated safeguarding lead (DSL) today")
    assert "If a child is in immediate danger, call 999" in text
    assert "Never confront a potential abuser yourself" in text


def test_a_parent_gets_no_asker_note():
    text = texts(
        run(ActionExplainWhatToDo(), tracker("ask_what_to_do", "my daughter's teacher mentioned it"))[0]
    )
    assert text.startswith("What you can do:")
    assert "your child" in text


def test_the_asker_is_remembered_and_their_note_said_once_outside_what_to_do():
    events = [_user("my nephew has a second phone"), _user("who can help")]
    t = Tracker(
        "p", {}, {"text": "who can help", "intent": {"name": "ask_help"}}, events, False, None, {}, ""
    )
    text = texts(run(ActionSignpostHelp(), t)[0])
    assert text.startswith("These can help with grooming:")  # the note came with the first reply
    t = Tracker(
        "p", {}, {"text": "my nephew has a second phone", "entities": []}, events[:1], False, None, {}, ""
    )
    assert texts(run(ActionSignpostHelp(), t)[0]).startswith("You don't have to be their parent to act")


def test_school_staff_get_the_dsl_line_after_danger_too():
    t = tracker(
        "danger",
        "a pupil in my class is meeting a man from snapchat tonight",
        danger={"kinds": ["meeting_online_contact"]},
    )
    text = texts(run(ActionDangerFollowup(), t)[0])
    assert text.startswith("As school staff, tell your school's designated safeguarding lead (DSL) today")
    assert "Keep the child with you" in text
