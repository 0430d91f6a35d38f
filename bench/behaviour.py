"""Expand the behavioural suite (tests/sets/behaviour.yml) into variants, each with the answer it must get.

A variant that only changes who the child is, the pronouns, spelling, case,
apostrophes or text-speak, or adds a question before or after, must be
answered as its base message: danger. Negations and hypotheticals are not
danger; a changed word order still is. Typos come from a fixed seed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable, Dict, List

import yaml

from bench.sets import SETS

SEED = 42
SHE = {"he": "she", "him": "her", "his": "her", "himself": "herself", "son": "daughter", "boy": "girl"}
TEXT_SPEAK = {"you": "u", "are": "r", "tonight": "2nite", "because": "cos", "please": "pls", "to": "2"}


@dataclass(frozen=True)
class Variant:
    """One message of the suite: its kind, how it was made, and whether it is danger."""

    kind: str
    how: str
    text: str
    danger: bool


def _swap(text: str, table: Dict[str, str]) -> str:
    return re.sub(r"\b(\w+)\b", lambda m: table.get(m.group(1), m.group(1)), text)


def _typo(text: str, rng: random.Random) -> str:
    """Drop one letter from one word of five letters or more."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    cut = rng.randrange(1, len(words[i]) - 1)
    words[i] = words[i][:cut] + words[i][cut + 1 :]
    return " ".join(words)


PERTURBATIONS: Dict[str, Callable[[str, random.Random], str]] = {
    "as written": lambda t, _: t,
    "she": lambda t, _: _swap(t, SHE),
    "typo": _typo,
    "text-speak": lambda t, _: _swap(t.replace("'", ""), TEXT_SPEAK),
    "capitals": lambda t, _: t.upper(),
    "curly apostrophes": lambda t, _: t.replace("'", "\u2019"),
    "lower case, no punctuation": lambda t, _: re.sub(r"[^\w\s']", "", t.lower()),
}


def variants() -> List[Variant]:
    """Every variant of the suite, in a fixed order."""
    suite = yaml.safe_load((SETS / "behaviour.yml").read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    found: List[Variant] = []
    for kind, case in suite["cases"].items():
        for child in suite["children"]:
            base = case["base"].format(child=child)
            for how, perturb in PERTURBATIONS.items():
                found.append(Variant(kind, how, perturb(base, rng), True))
            for question in suite["questions_before"]:
                found.append(Variant(kind, "question before", question + base, True))
            for question in suite["questions_after"]:
                found.append(Variant(kind, "question after", base + question, True))
            found.append(Variant(kind, "word order", case["reordered"].format(child=child), True))
            found.append(Variant(kind, "negation", case["negated"].format(child=child), False))
            found.append(Variant(kind, "hypothetical", case["hypothetical"].format(child=child), False))
    return found


def report(flags: Dict[Variant, bool]) -> Dict[str, Dict[str, float]]:
    """The share answered right, by how the variant was made and by kind."""
    by: Dict[str, Dict[str, List[bool]]] = {"how": {}, "kind": {}}
    for variant, escalated in flags.items():
        right = escalated == variant.danger
        by["how"].setdefault(variant.how, []).append(right)
        by["kind"].setdefault(variant.kind, []).append(right)
    return {
        group: {name: round(sum(v) / len(v), 3) for name, v in values.items()} for group, values in by.items()
    }
