"""The measurement sets and their tiers: dev (tune freely), frozen (never tuned on) and blind batches.

A message stays in the tier it was filed in (bench/tiers.py says how the
tiers are filed). A message that nearly repeats an example the assistant
learns from (training data, lexicon examples) can only be in the dev tier:
a frozen message must be new to the assistant.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Set, Tuple

import yaml

from safeguarding.content.loader import SafeLoader

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "sets"
BLIND = SETS / "blind"
# The trained classifiers' own example folders under data/ (beside the NLU training data).
CLASSIFIER_DATA = ("danger_classifier", "warning_signs", "service_requests")
# Token overlap at which a message counts as a near duplicate of another.
NEAR_DUPLICATE = 0.8

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_TOKEN = re.compile(r"[a-z0-9]+")
# An entity annotation in Rasa's training format: "[two phones](warning_sign)".
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def key(text: str) -> str:
    """The folded form of a message: lower case, straight quotes, single spaces."""
    return " ".join(text.translate(_QUOTES).lower().split())


def tokens(text: str) -> Set[str]:
    """The set of normalised word tokens of a message."""
    return set(_TOKEN.findall(key(text).replace("'", "")))


def overlap(a: Set[str], b: Set[str]) -> float:
    """Shared tokens over the larger set: 1.0 for the same words, lower as either adds words."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


class NearDuplicates:
    """Finds, for a message, the reference examples it nearly repeats."""

    def __init__(self, references: Iterable[str]) -> None:
        """Index the reference examples by token."""
        self._refs: List[Tuple[str, Set[str]]] = [(r, tokens(r)) for r in references]
        self._by_token: Dict[str, List[int]] = {}
        for index, (_, words) in enumerate(self._refs):
            for word in words:
                self._by_token.setdefault(word, []).append(index)

    def of(self, text: str) -> List[str]:
        """The references sharing at least NEAR_DUPLICATE of their tokens with ``text``.

        A near duplicate misses at most ``1 - NEAR_DUPLICATE`` of the
        message's tokens, so it has one of that many plus one of them: only
        the references that share one of the message's rarest tokens are
        compared with it.
        """
        words = tokens(text)
        missing = math.floor(len(words) * (1 - NEAR_DUPLICATE) + 1e-9)
        rarest = sorted(words, key=lambda word: len(self._by_token.get(word, [])))[: missing + 1]
        candidates = {i for word in rarest for i in self._by_token.get(word, [])}
        return [
            self._refs[i][0] for i in sorted(candidates) if overlap(words, self._refs[i][1]) >= NEAR_DUPLICATE
        ]


# --- what the assistant learns from --------------------------------------------------------------------


def _nlu_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU file or folder, read as YAML."""
    files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    pairs = []
    for file in files:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
        for block in data.get("nlu", []):
            if "intent" in block:
                for line in block["examples"].splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        pairs.append(
                            (re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line[2:]).strip(), block["intent"])
                        )
    return pairs


def _examples_in(value: object) -> Iterable[str]:
    """Every string under an ``examples``, ``match`` or ``no_match`` key of a content file."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name in ("examples", "match", "no_match", "must_match", "must_not_match"):
                if isinstance(item, str):
                    yield item
                elif isinstance(item, list):
                    yield from (i for i in item if isinstance(i, str))
            else:
                yield from _examples_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _examples_in(item)


def training_references() -> List[str]:
    """Every message the assistant learns from: NLU training data, classifier data and lexicon examples."""
    refs = [text for text, _ in _nlu_examples(ROOT / "data" / "nlu")]
    for classifier in CLASSIFIER_DATA:
        for file in sorted((ROOT / "data" / classifier).glob("*.yml")):
            refs += list(_messages_in(yaml.load(file.read_text(encoding="utf-8"), Loader=SafeLoader)))
    for file in sorted((ROOT / "content").glob("*.yml")):
        refs += list(_examples_in(yaml.load(file.read_text(encoding="utf-8"), Loader=SafeLoader)))
    return refs


def _messages_in(value: object) -> Iterable[str]:
    """The texts of a classifier data file: strings, or mappings with a ``text``."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if isinstance(value.get("text"), str):
            yield value["text"]
        else:
            for item in value.values():
                yield from _messages_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _messages_in(item)


# --- the sets ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Labelled:
    """One message of a measurement set: its text, whether it is danger, and what else it is labelled with."""

    text: str
    danger: bool
    kind: str | None = None
    turns: Tuple[str, ...] = ()
    about_child: bool | None = None


def danger_messages(tier: str) -> List[Labelled]:
    """The danger messages of a tier; a conversation's danger is in its last turn."""
    data = yaml.safe_load((SETS / f"danger_{tier}.yml").read_text(encoding="utf-8"))
    found = [Labelled(t, True, kind) for kind, texts in data["kinds"].items() for t in texts]
    found += [Labelled(turns[-1], True, None, tuple(turns[:-1])) for turns in data.get("conversations", [])]
    return found


def harmless_messages(tier: str) -> List[Labelled]:
    """The harmless messages of a tier."""
    data = yaml.safe_load((SETS / f"harmless_{tier}.yml").read_text(encoding="utf-8"))
    return [Labelled(t, False) for t in data["messages"]]


def intent_examples(tier: str) -> List[Tuple[str, str]]:
    """(text, intent) pairs of a tier's NLU file."""
    return _nlu_examples(SETS / f"nlu_{tier}.yml")


def blind_batches() -> List[str]:
    """The blind batches' names, oldest first ("batch_01", ...)."""
    return sorted({p.name.split("_danger")[0] for p in BLIND.glob("batch_*_danger.yml")})


def blind_messages(batch: str) -> List[Labelled]:
    """A blind batch's danger and harmless messages."""
    danger = yaml.safe_load((BLIND / f"{batch}_danger.yml").read_text(encoding="utf-8"))["messages"]
    harmless = yaml.safe_load((BLIND / f"{batch}_harmless.yml").read_text(encoding="utf-8"))["messages"]
    return [Labelled(m["text"], True, m.get("kind")) for m in danger] + [
        Labelled(m["text"], False, about_child=m.get("about_child")) for m in harmless
    ]


def sizes(messages: Sequence[Labelled]) -> Dict[str, int]:
    """How many danger and harmless messages a set holds."""
    return {"danger": sum(m.danger for m in messages), "harmless": sum(not m.danger for m in messages)}
