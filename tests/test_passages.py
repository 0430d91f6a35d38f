"""The passages of a long message, which the danger classifier reads one by one as well as whole."""

from __future__ import annotations

from safeguarding.nlu.passages import LONGEST, WINDOW, passages, sentences


def test_a_one_sentence_message_has_no_passages_of_its_own():
    assert passages("my son is not home and his phone is off") == []
    assert passages("") == []


def test_each_sentence_and_each_pair_of_neighbours_is_a_passage():
    text = "We got a tutor last year. He seemed nice! Tonight she told me he touched her."
    assert sentences(text) == [
        "We got a tutor last year.",
        "He seemed nice!",
        "Tonight she told me he touched her.",
    ]
    assert passages(text) == [
        "We got a tutor last year.",
        "He seemed nice!",
        "Tonight she told me he touched her.",
        "We got a tutor last year. He seemed nice!",
        "He seemed nice! Tonight she told me he touched her.",
    ]


def test_line_breaks_end_sentences_and_decimals_do_not():
    assert sentences("she is 15\nhe is 3.5 miles away now") == ["she is 15", "he is 3.5 miles away now"]


def test_a_long_message_without_full_stops_is_cut_into_overlapping_windows():
    words = [f"w{i}" for i in range(LONGEST + 20)]
    parts = sentences(" ".join(words))
    assert len(parts) > 1
    assert all(len(p.split()) <= WINDOW for p in parts)
    assert parts[-1].split()[-1] == words[-1]
    assert set(" ".join(parts).split()) == set(words)
