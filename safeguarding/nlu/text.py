"""Text folding and normalisation applied before any pattern is matched."""

from __future__ import annotations

import re
from typing import Container, Mapping

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
_REPEATS = re.compile(r"(\w)\1{2,}")
_LETTER_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[\w']+|[^\w\s']")


def fold(text: str) -> str:
    """Lower-case and straighten quotes, keeping every character's position."""
    folded = text.translate(_QUOTES)
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


def normalise(text: str, text_speak: Mapping[str, str]) -> str:
    """Fold the text, squeeze repeated letters and spaces, expand text-speak.

    Spelling is never corrected: only whole words listed in ``text_speak`` are
    replaced, so a danger word is never turned into a harmless one.
    """
    squeezed = _REPEATS.sub(r"\1\1", fold(text))
    words = [text_speak.get(word, word) for word in _WORD.findall(squeezed)]
    return _SPACES.sub(" ", " ".join(words)).strip()


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
