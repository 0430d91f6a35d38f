"""Text folding and normalisation: the first step of reading a parent's message (see reading.py).

No spaCy here: ``normalised_words`` turns the text into words, each with its
place in the parent's text, and ``normalise`` shows them as one string.
"""

from __future__ import annotations

import re
from typing import Container, List, Mapping, NamedTuple

# Curly quotes, primes and similar marks parents' phones insert, mapped to the
# plain ASCII quote each stands for. One character in, one character out.
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u0060": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
    }
)
_LETTER_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_DOUBLES = re.compile(r"(.)\1+")
_CHUNK = re.compile(r"\S+")
# A whitespace-separated chunk: leading marks, the word, trailing marks.
_EDGES = re.compile(r"^([^\w']*)(.*?)([^\w']*)$", re.DOTALL)


class Word(NamedTuple):
    """A normalised word and the place of the parent's word it comes from: ``text[start:end]``."""

    text: str
    start: int
    end: int


def fold(text: str) -> str:
    """Lower-case and straighten quotes, keeping every character's position."""
    folded = text.translate(_QUOTES)
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


def spoken(word: str, text_speak: Mapping[str, str], known: Container[str] = ()) -> List[str]:
    """The words a typed word stands for: squeezed, and expanded where it is text-speak ("shes" is she, is).

    Spelling is never corrected: only whole words listed in ``text_speak`` are
    replaced, so a danger word is never turned into a harmless one.
    """
    squeezed = squeeze(word, known)
    return text_speak.get(squeezed, squeezed).split()


def normalised_words(text: str, text_speak: Mapping[str, str], known: Container[str] = ()) -> List[Word]:
    """Fold the text and split it at spaces into words, each mark around a word apart, each word ``spoken``.

    A mark inside a word stays ("24/7", "brand-new", "don't"): the tokenizer
    splits those (reading.py). Every word of an expansion keeps the place of
    the word typed.
    """
    words = []
    for chunk in _CHUNK.finditer(fold(text)):
        match = _EDGES.match(chunk.group())
        assert match is not None  # the pattern matches any string
        start = chunk.start()
        for offset, mark in enumerate(match.group(1)):
            words.append(Word(mark, start + offset, start + offset + 1))
        start += len(match.group(1))
        core = match.group(2)
        words += [Word(piece, start, start + len(core)) for piece in spoken(core, text_speak, known) if core]
        start += len(core)
        for offset, mark in enumerate(match.group(3)):
            words.append(Word(mark, start + offset, start + offset + 1))
    return words


def normalise(text: str, text_speak: Mapping[str, str], known: Container[str] = ()) -> str:
    """The normalised words of ``text`` as one string, separated by spaces."""
    return " ".join(word.text for word in normalised_words(text, text_speak, known))


def squeeze(word: str, known: Container[str] = ()) -> str:
    """Squeeze a letter typed three or more times in a row ("sooo", "phoneee").

    The run becomes two letters ("gooood" is "good"), or one where only that
    gives a known word ("phoneee" is "phone"). A letter typed twice is left
    alone: "off" and "too" are words.
    """
    double = _LETTER_REPEATS.sub(r"\1\1", word)
    if double == word or double in known:
        return double
    single = _LETTER_REPEATS.sub(r"\1", word)
    return single if single in known else double


def without_doubles(word: str) -> str:
    """Lower-case a word and drop every repeated letter: "Helloo" and "hello" are both "helo".

    Not ``squeeze``: this is a spelling key for comparing words, never a word to match.
    """
    return _DOUBLES.sub(r"\1", word.lower())
