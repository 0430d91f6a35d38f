"""Noticing a message written in another language than English.

The assistant reads English only. A message in another language gets a reply
that says so (with 999 and the NSPCC Helpline) instead of a confident guess;
the danger detector still runs after this and escalates on any English
danger phrase in it. The word lists are in content/lexicon.yml (`languages`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, FrozenSet, Mapping

_WORD = re.compile(r"[^\W\d_]+")


def _plain(word: str) -> str:
    """Lower case, without accents: "Está" and "esta" are the same word here."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_latin(letter: str) -> bool:
    return unicodedata.name(letter, "").startswith("LATIN")


class LanguageCheck:
    """Tells whether a message is in another language than English."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        """Read the word lists from the lexicon's ``languages`` block."""
        self.min_words = int(settings["min_words"])
        self.english: FrozenSet[str] = frozenset(_plain(w) for w in settings["english"])
        self.others: Dict[str, FrozenSet[str]] = {
            name: frozenset(_plain(w) for w in words) for name, words in settings["others"].items()
        }

    def language(self, text: str) -> str | None:
        """The other language the text is written in ("non-latin" for other scripts), or None."""
        letters = [c for c in text if c.isalpha()]
        if letters and sum(not _is_latin(c) for c in letters) * 2 > len(letters):
            return "non-latin"
        words = [_plain(w) for w in _WORD.findall(text)]
        english = sum(w in self.english for w in words)
        best, count = None, 0
        for name, known in self.others.items():
            found = sum(w in known for w in words)
            if found > count:
                best, count = name, found
        if count >= self.min_words and count > english:
            return best
        return None
