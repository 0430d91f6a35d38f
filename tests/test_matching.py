"""The deterministic matchers: text folding, entity extraction and danger detection."""

from __future__ import annotations

import pytest

from safeguarding.nlu.patterns import PatternError, compile_pattern
from safeguarding.nlu.reading import Reader
from safeguarding.nlu.text import fold, normalise, without_doubles


def test_fold_keeps_positions_and_straightens_quotes():
    text = "She WON\u2019T say \u201cwho\u201d"
    assert fold(text) == 'she won\'t say "who"'
    assert len(fold(text)) == len(text)


def test_normalise_expands_text_speak_and_missing_apostrophes(content):
    speak = content.lexicon["text_speak"]
    assert normalise("shes gonna meet sum1 2nite!!!", speak) == "she is going to meet someone tonight ! ! !"
    assert normalise("plz   help ur   bot", speak) == "please help your bot"
    assert normalise("noooooo", speak) == "noo"


def test_a_pattern_word_that_is_two_tokens_is_explained(nlp):
    with pytest.raises(PatternError, match="more than one word"):
        compile_pattern(nlp, "won't stop", {})
    with pytest.raises(PatternError, match="unknown group"):
        compile_pattern(nlp, "{nobody} here", {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my child has two phones", [("warning_sign", "more_than_one_phone", "two phones")]),
        ("He has 2 PHONES", [("warning_sign", "more_than_one_phone", "2 PHONES")]),
        (
            "she has a second instagram account",
            [("warning_sign", "more_than_one_phone", "second instagram account")],
        ),
        (
            "she won\u2019t let me see her phone",
            [("warning_sign", "online_secrecy", "won\u2019t let me see her phone")],
        ),
        ("what are signs of radicalisation", [("topic", "radicalisation", "radicalisation")]),
        ("who can help with extremism", [("topic", "radicalisation", "extremism")]),
        ("how do gangs recruit", [("topic", "gangs", "gangs")]),
        ("what is county lines", [("topic", "gangs", "county lines")]),
        ("what is CEOP", [("organisation", "ceop", "CEOP")]),
        ("is quilliam still going", [("organisation", "quilliam", "quilliam")]),
        ("what does the NSPCC do", [("organisation", "nspcc_helpline", "NSPCC")]),
        (
            "he has 2 phones and stays out all night",
            [
                ("warning_sign", "more_than_one_phone", "2 phones"),
                ("warning_sign", "staying_out", "stays out all night"),
            ],
        ),
        ("hello", []),
    ],
)
def test_entities_are_found_with_their_words(entities, text, expected):
    found = [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in entities.extract(text)]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("my daughter is meeting a man she met online tonight", "meeting_online_contact"),
        ("shes gonna meet sum1 from snapchat 2nite", "meeting_online_contact"),
        ("MY SON HAS A KNIFE", "weapons"),
        ("he\u2019s been stabbed", "immediate_danger"),
        ("she hasnt come home", "missing_child"),
        ("my child is missing", "missing_child"),
        ("someone is threatening to share pics of my son unless he pays", "sextortion"),
        ("someone is blackmailing my daughter", "sextortion"),
        ("she said she wants to kill herself", "self_harm"),
        ("my son is being forced to sell drugs", "county_lines"),
        ("he is planning an attack", "attack_plans"),
        ("a man is abusing my daughter", "sexual_abuse"),
        ("they said they are going to hurt him", "threats_to_hurt"),
        ("my son is in danger", "immediate_danger"),
    ],
)
def test_plain_danger_phrasings_are_detected(danger, text, kind):
    result = danger.detect(text)
    assert result.is_danger
    assert kind in result.kinds


@pytest.mark.parametrize(
    "text",
    [
        "you're killing me",
        "he's skilled at football",
        "she bombed her exam",
        "my son loves shooting games",
        "The Killers are playing tonight",
        "dying to go to the party",
        "he can use a knife and fork now",
        "I could murder a coffee",
        "what is sextortion",
        "what are the signs of county lines",
        "he is missing school",
        "my child has two phones",
        "what are the signs of grooming",
    ],
)
def test_harmless_messages_with_danger_words_do_not_escalate(danger, text):
    assert not danger.detect(text).is_danger


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to confront him",
        "I'll go round there and sort him out",
        "can I pretend to be my son and arrange to meet him",
        "im gonna track him down",
    ],
)
def test_confronting_the_abuser_is_recognised(danger, text):
    assert danger.detect(text).confront


def test_squeeze_keeps_doubles_and_finds_known_words():
    from safeguarding.nlu.text import squeeze

    known = {"phone", "always", "good"}
    assert squeeze("sooo", known) == "soo"
    assert squeeze("gooood", known) == "good"
    assert squeeze("phoneee", known) == "phone"
    assert squeeze("off", known) == "off"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he has 2 fones", [("more_than_one_phone", "2 fones")]),
        ("shes always on her phone", [("always_on_phone", "always on her phone")]),
        ("sh3s ALWAYS on her phoneee", [("always_on_phone", "ALWAYS on her phoneee")]),
        ("she wont let me see her phone", [("online_secrecy", "wont let me see her phone")]),
        ("stays out all nite!!", [("staying_out", "stays out all nite")]),
        ("hes sooo secretive", [("new_secrecy", "secretive")]),
        ("he doesn't have two phones", []),
        ("she has never stayed out all night", []),
        ("no, he isn't secretive", []),
        ("his moods haven't changed", []),
        (
            "he has two phones and doesn't let me see them",
            [("more_than_one_phone", "two phones"), ("online_secrecy", "doesn't let me see them")],
        ),
        ("I don't know why she stays out all night", [("staying_out", "stays out all night")]),
        ("we bought him a new phone", []),
        ("he has a new phone", [("unexplained_money_or_gifts", "new phone")]),
    ],
)
def test_signs_in_text_speak_and_denials_keep_the_parents_own_words(entities, text, expected):
    found = [
        (e["value"], text[e["start"] : e["end"]])
        for e in entities.extract(text)
        if e["entity"] == "warning_sign"
    ]
    assert found == expected


def test_text_speak_in_a_pattern_stands_for_its_expansion(nlp, content):
    speak = content.lexicon["text_speak"]
    assert compile_pattern(nlp, "out all nite", {}, speak) == compile_pattern(nlp, "out all night", {}, speak)
    with pytest.raises(PatternError, match="text-speak"):
        compile_pattern(nlp, "shes out", {}, speak)


def test_two_signs_that_share_a_word_are_both_found(entities):
    text = "my 14 yr old has 2 phones and i didnt buy the second one"
    found = entities.extract(text)
    assert [e["value"] for e in found] == ["more_than_one_phone", "unexplained_money_or_gifts"]
    spans = [(e["start"], e["end"]) for e in found]
    assert spans[0][1] <= spans[1][0]  # Rasa needs entities that do not overlap


def test_the_reader_keeps_the_parents_places_for_every_token(nlp, content):
    text = "Shes got 2 fones, she won\u2019t say"
    doc, places = Reader(nlp, content).read(text)
    assert [t.text for t in doc] == ["she", "is", "got", "2", "phones", ",", "she", "wo", "n't", "say"]
    assert [text[start:end] for start, end in places] == [
        "Shes", "Shes", "got", "2", "fones", ",", "she", "wo", "n\u2019t", "say"
    ]  # fmt: skip
    assert [t.lemma_ for t in doc][-3:] == ["wo", "not", "say"]


def test_text_speak_inside_a_word_is_expanded_and_marks_inside_a_word_stay(nlp, content):
    doc, _ = Reader(nlp, content).read("shes/hes on it 24/7")
    assert [t.text for t in doc] == ["she", "is", "/", "he", "is", "on", "it", "24/7"]


def test_both_matchers_read_a_message_the_same_way(entities, danger):
    # A letter typed many times becomes the known word for both ("sonnnn" is "son").
    assert danger.detect("a man is threatning to hurt my sonnnn").is_danger
    assert [e["value"] for e in entities.extract("he has 2 phonesss")] == ["more_than_one_phone"]


def test_spelling_keys_are_not_squeezing():
    assert without_doubles("Helloo") == without_doubles("hello") == "helo"
    assert normalise("helloooo", {}) == "helloo"


def test_a_denied_sign_is_kept_apart_from_the_signs_named(entities):
    found, denied = entities.read("he doesn't have two phones but he's out till all hours")
    assert "more_than_one_phone" in denied
    assert "more_than_one_phone" not in {e["value"] for e in found}
    found, denied = entities.read("he has two phones")
    assert denied == set() and {e["value"] for e in found} == {"more_than_one_phone"}
