"""Danger matching within clauses, who is who, and contractions (safeguarding/clauses.py)."""

from __future__ import annotations

import pytest

from safeguarding.nlu.clauses import (
    AGE_LEMMA,
    GROWN_LEMMA,
    POSSESSIVE_LEMMA,
    expand_contractions,
    is_age,
    is_possessive,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("she can't go on", "she can not go on"),
        ("he won't answer", "he will not answer"),
        ("she didn't come home", "she did not come home"),
        ("what's county lines", "what is county lines"),
        ("he's been stabbed", "he has been stabbed"),
        ("my son's been taken", "my son has been taken"),
        ("they're outside and i'm scared", "they are outside and i am scared"),
        ("my son's phone", "my son's phone"),
    ],
)
def test_contractions_are_written_out_as_parents_mean_them(text, expected):
    assert expand_contractions(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("she says she can't go on like this", "self_harm"),
        ("he can't go on any more, he told me", "self_harm"),
        ("my son's missing", "missing_child"),
        ("she hasn't come home", "missing_child"),
    ],
)
def test_contracted_danger_is_found(danger, text, kind):
    assert kind in danger.detect(text).kinds


def test_contracted_questions_are_quiet(danger):
    assert not danger.detect("what's cuckooing").is_danger
    assert not danger.detect("what's county lines?").is_danger


def _clauses(danger, text):
    doc = danger.read(text)
    numbers = danger.clauses(doc)
    return [[t.text for t, n in zip(doc, numbers, strict=True) if n == k] for k in sorted(set(numbers))]


def test_clauses_break_at_sentence_marks_new_lines_and_but(danger):
    assert _clauses(danger, "he's fine. she is not\nok but why") == [
        ["he", "is", "fine", "."],
        ["she", "is", "not", "."],
        ["ok"],
        ["but", "why"],
    ]
    # A time, a comma or an ellipsis is not a break.
    assert len(_clauses(danger, "meeting him at 10.30, tonight... at the park")) == 1


def test_a_question_does_not_hide_a_disclosure_after_it(danger):
    text = "is it a sign of grooming? her coach sends her pictures of himself naked"
    assert "sexual_abuse" in danger.detect(text).kinds
    assert "county_lines" in danger.detect("what is county lines? my son is being made to sell drugs").kinds
    assert not danger.detect("what are the signs of grooming?").is_danger


def test_an_except_cancels_only_the_match_it_overlaps(danger):
    # "missing school" is harmless; "he has been missing since friday" is not.
    assert not danger.detect("he is missing school with a cold").is_danger
    assert (
        "missing_child"
        in danger.detect("he was missing school a lot. now he has been missing since friday").kinds
    )


def test_a_match_must_lie_within_one_clause(danger):
    assert danger.detect("my son is not safe").is_danger
    assert not danger.detect("my son passed his test. not safe to drive in this snow though").is_danger


def test_an_unreal_opener_quiets_only_its_own_clause(danger):
    assert not danger.detect("what would I do if someone ever asked her for pics?").is_danger
    assert danger.detect("what would you do? someone asked my daughter for nudes").is_danger


# (text, index of the word, whether it is read so): "her" as a possessive, and a number as an age.
POSSESSIVES = [
    ("her charger is missing", 0, True),
    ("i found her coach messaging", 2, True),
    ("he sends her pictures", 2, False),
    ("he hurt her badly", 2, False),
    ("he told her to come", 2, False),
    ("a man is waiting for her outside", 5, False),
    ("her missing shoe", 0, False),
]
AGES = [("my 10 year old", 3, True), ("a 13-year-old girl", 5, True), ("my 15yo", 1, True)]
AGES += [("an old man", 1, False), ("how old is he", 1, False)]


@pytest.mark.parametrize(
    ("rule", "text", "index", "expected"),
    [(is_possessive, *case) for case in POSSESSIVES] + [(is_age, *case) for case in AGES],
)
def test_a_possessive_her_and_an_age_are_told_from_a_person(danger, rule, text, index, expected):
    doc = danger.reader.read(text).doc
    assert rule is not is_possessive or doc[index].lower_ == "her"
    assert rule(doc, index) is expected


def test_roles_change_the_lemmas_the_matcher_sees(danger):
    doc = danger.read("my 10 year old lost her charger")
    assert [t.lemma_ for t in doc][3] == AGE_LEMMA
    assert [t.lemma_ for t in doc][5] == POSSESSIVE_LEMMA


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("her phone charger is missing", None),
        ("my son's shoe went missing at school", None),
        ("the 10 year old next door is a danger on his bike", None),
        ("her meeting with the teacher went well", None),
        ("my daughter has a bullet journal", None),
        ("my 10 year old is missing", "missing_child"),
        ("an old man grabbed my son", "immediate_danger"),
        ("her coach touched her", "sexual_abuse"),
    ],
)
def test_possessions_and_ages_do_not_make_danger_but_people_still_count(danger, text, kind):
    found = danger.detect(text).kinds
    assert kind in found if kind else not found


@pytest.mark.parametrize(
    ("text", "index", "lemma"),
    [
        ("my 13 year old", 3, AGE_LEMMA),
        ("a 25 year old", 3, GROWN_LEMMA),
        ("a 30-year-old man", 5, GROWN_LEMMA),
        ("his 25yo mate", 1, GROWN_LEMMA),
        ("she is off to see him , he is 22", 9, GROWN_LEMMA),
        ("she is 15", 2, "15"),
        ("it is 22 minutes away", 2, "22"),
    ],
)
def test_an_age_of_18_or_more_names_an_adult(danger, text, index, lemma):
    assert danger.read(text)[index].lemma_ == lemma


def test_an_adult_age_makes_an_adult(danger):
    assert "sexual_abuse" in danger.detect("my 14 year old is dating a 21 year old").kinds
    assert not danger.detect("my 14 year old is dating a 14 year old from her class").is_danger
