"""Parents' stories: the story content and matcher, the worry and request actions, the trained model."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.worries import ActionDescribeWorry, ActionSignpostRequest
from safeguarding.nlu.stories import StoryMatcher


@pytest.fixture(scope="module")
def matcher(nlp, content):
    return StoryMatcher(nlp, content)


def _tracker(intent: str, text: str, entities=None, worry=None) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": entities or [], "text": text}
    if worry is not None:
        latest["worry"] = worry
    return Tracker("parent-1", {}, latest, [], False, None, {}, "action_listen")


def _run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, tracker, {})
    return dispatcher.messages


def test_story_files_match_their_schema_and_the_directory(content):
    stories = content
    assert [r["id"] for r in stories.requests["requests"]] == [
        "missing_child",
        "sexual_contact_online",
        "child_wants_to_talk",
        "anonymous_crime_report",
        "radicalisation_concern",
        "parent_talk",
    ]
    assert stories.worries["replies"][-1]["id"] == "general"


@pytest.mark.parametrize(
    "text, reply",
    [
        ("my son has made a new friend on fortnite and they chat every night", "online_contact"),
        ("her tutor keeps offering her lifts home after lessons", "trusted_adult"),
        ("he keeps repeating what an influencer says about women", "views"),
        ("there are older lads at the skate park who keep calling him over", "older_group"),
        ("my daughter has been a bit quiet lately and i'm worried", "general"),
    ],
)
def test_a_story_gets_the_reply_that_fits_it(matcher, text, reply):
    read = matcher.read(text)
    assert read["reply"] == reply
    assert read["is_worry"]


@pytest.mark.parametrize(
    "text",
    ["what's the weather in leeds", "how do i make a cottage pie", "my daughter passed her driving test"],
)
def test_a_message_with_nothing_about_a_childs_safety_is_no_worry(matcher, text):
    assert not matcher.read(text)["is_worry"]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("my son wants to talk to someone himself, who can he call", "child_wants_to_talk"),
        ("how can i report the dealers without giving my name", "anonymous_crime_report"),
        ("i'm worried my daughter is being radicalised", "radicalisation_concern"),
        ("a man keeps sending my son sexual messages", "sexual_contact_online"),
        ("who do i call, my son is missing", "missing_child"),
        ("i need to talk this through with someone", "parent_talk"),
    ],
)
def test_each_kind_of_request_is_found_over_the_parents_own_words(matcher, text, kind):
    found = matcher.requests(text)
    assert found and found[0]["value"] == kind
    span = text[found[0]["start"] : found[0]["end"]]
    assert span and span == span.strip()


def test_a_worry_reply_reflects_asks_offers_signs_and_names_the_helpline_from_the_directory(content):
    messages = _run(
        ActionDescribeWorry(),
        _tracker("describe_worry", "his coach gives him lifts", worry={"reply": "trusted_adult"}),
    )
    text = messages[0]["text"]
    assert text.startswith("It sounds like you're uneasy about an adult")
    assert text.count("?") == 1
    assert content.organisation("nspcc_helpline")["phone"] in text
    assert "999" in text
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Keeping secrets" in titles and "Talk to a person" in titles


def test_a_worry_without_a_reading_gets_the_general_reply():
    text = _run(ActionDescribeWorry(), _tracker("describe_worry", "/describe_worry"))[0]["text"]
    assert "on your mind" in text


@pytest.mark.parametrize(
    "request_id, names",
    [
        ("child_wants_to_talk", ["Childline", "0800 1111"]),
        ("anonymous_crime_report", ["Crimestoppers", "Fearless"]),
        ("radicalisation_concern", ["ACT Early"]),
        ("sexual_contact_online", ["CEOP"]),
        ("missing_child", ["999", "101", "Missing People"]),
        ("parent_talk", ["NSPCC Helpline", "0808 800 5000"]),
    ],
)
def test_each_request_names_the_service_that_fits(request_id, names):
    entity = {"entity": "service_request", "value": request_id, "start": 0, "end": 1}
    text = _run(ActionSignpostRequest(), _tracker("ask_service", "", [entity]))[0]["text"]
    for name in names:
        assert name in text, (request_id, name)


@pytest.mark.model
@pytest.mark.parametrize(
    "text, intent",
    [
        ("start again, my son keeps chatting to a lad from his game and it feels off", "describe_worry"),
        ("bye, my daughter is back now but the tutor keeps texting her", "describe_worry"),
        ("thanks but his coach still drives him home alone every week", "describe_worry"),
        ("no, it's more that a lad from roblox keeps asking for her number", "describe_worry"),
        ("my lad has made friends with older boys at the skate park", "describe_warning_sign"),
        ("the tutor keeps asking my daughter to keep their chats secret", "describe_warning_sign"),
    ],
)
def test_a_story_is_never_read_as_a_short_intent(agent, text, intent):
    result = asyncio.run(agent.parse_message(text))
    assert result["intent"]["name"] == intent, result["intent"]


@pytest.mark.model
@pytest.mark.parametrize("text, intent", [("start again", "start_again"), ("bye", "goodbye"), ("no", "deny")])
def test_short_clear_messages_keep_their_intent(agent, text, intent):
    assert asyncio.run(agent.parse_message(text))["intent"]["name"] == intent


@pytest.mark.model
@pytest.mark.parametrize("text", ["what's the weather like in cardiff", "give me a recipe for flapjacks"])
def test_nothing_about_a_child_is_still_out_of_scope(agent, text):
    assert asyncio.run(agent.parse_message(text))["intent"]["name"] == "out_of_scope"


def _guard():
    import yaml

    from safeguarding.nlu.stories import StoryIntentGuard

    config = yaml.safe_load((Path(__file__).resolve().parent.parent / "config.yml").read_text())["pipeline"]
    (entry,) = [c for c in config if c["name"].endswith("StoryIntentGuard")]
    return StoryIntentGuard({**StoryIntentGuard.get_default_config(), **entry})


def _request(intent: str, extractor: str):
    from rasa.shared.nlu.training_data.message import Message

    entity = {"entity": "service_request", "value": "anonymous_crime_report", "extractor": extractor}
    return Message(data={"text": "x", "intent": {"name": intent}, "entities": [entity]})


READ = {"mentions": [], "is_worry": False, "words": 12}


@pytest.mark.parametrize("intent", ["ask_report", "ask_help", "describe_worry", "out_of_scope"])
def test_a_request_the_patterns_found_moves_every_intent_of_request_from(intent):
    assert _guard()._new_intent(_request(intent, "ServiceRequestExtractor"), READ) == "ask_service"


@pytest.mark.parametrize("intent", ["describe_worry", "out_of_scope", "unsure"])
def test_a_request_only_the_learned_reader_found_moves_a_story_or_an_unclear_message(intent):
    assert _guard()._new_intent(_request(intent, "LearnedEntityExtractor"), READ) == "ask_service"


@pytest.mark.parametrize("intent", ["ask_report", "ask_help", "ask_human"])
def test_a_request_only_the_learned_reader_found_leaves_a_question_that_signposts(intent):
    assert _guard()._new_intent(_request(intent, "LearnedEntityExtractor"), READ) is None


def test_on_danger_a_request_is_noted_beside_the_danger_not_kept_as_an_entity():
    from rasa.shared.nlu.training_data.message import Message

    from safeguarding.nlu.stories import RequestEntityFilter

    request = {"entity": "service_request", "value": "missing_child", "start": 3, "end": 20}
    topic = {"entity": "topic", "value": "gangs", "start": 0, "end": 2}
    config = {**RequestEntityFilter.get_default_config(), "noted_on": ["danger"]}
    entities = [topic, request]
    danger = Message(data={"intent": {"name": "danger"}, "entities": entities, "danger": {"kinds": []}})
    worry = Message(data={"intent": {"name": "describe_worry"}, "entities": [request]})
    asked = Message(data={"intent": {"name": "ask_service"}, "entities": [request]})
    RequestEntityFilter(config).process([danger, worry, asked])
    assert danger.get("entities") == [topic]
    assert danger.get("danger") == {"kinds": [], "requests": ["missing_child"]}
    assert worry.get("entities") == [] and worry.get("danger") is None
    assert asked.get("entities") == [request]
