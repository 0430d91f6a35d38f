"""An independent keyword baseline's own word lists, for bench/understanding.py.

Written for the benchmark alone, from common knowledge of what a worried
parent might type, and deliberately not taken from content/danger.yml: a
baseline that reused the assistant's lexicon would only measure the
lexicon again. A message with any danger word is danger; else one with a
confront word is confront. Words are matched whole, lower-cased.
"""

from __future__ import annotations

import re
from typing import FrozenSet

DANGER_WORDS: FrozenSet[str] = frozenset(
    """danger dangerous missing kidnapped abducted stabbed shot knife gun weapon bomb attack attacked
    rape raped abused abuse molested assaulted groomed nudes naked blackmail blackmailed sextortion
    threatened threatening kill killed murder suicide suicidal overdose selfharm hurting beaten trafficked
    drugs dealer gang hostage""".split()
)
CONFRONT_WORDS: FrozenSet[str] = frozenset("confront confronting revenge hunt batter".split())

_WORD = re.compile(r"[a-z0-9']+")


def keyword_intent(text: str) -> str | None:
    """'danger', 'confront' or None, by the first list that has a word of ``text``."""
    words = set(_WORD.findall(text.lower()))
    if words & DANGER_WORDS:
        return "danger"
    if words & CONFRONT_WORDS:
        return "confront"
    return None
