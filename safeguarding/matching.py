"""Deterministic matchers over lemmas: entities for signposting, and danger.

Both are built from the content files and a spaCy pipeline (the assistant's
own lemmatizing pipeline inside Rasa, or any English pipeline in tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Tuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Span
from spacy.util import filter_spans

from safeguarding.content import Content
from safeguarding.patterns import compile_patterns
from safeguarding.text import fold, normalise

Entity = Dict[str, Any]


def _add(
    matcher: Matcher, nlp: Language, key: str, patterns: Iterable[str], groups: Dict[str, List[str]]
) -> None:
    matcher.add(key, compile_patterns(nlp, patterns, groups))


class EntityMatcher:
    """Finds topics, organisations and warning signs a parent names.

    Spans are given in the parent's own text (folding keeps every character in
    place), so Rasa shows exactly which words were recognised.
    """

    def __init__(self, nlp: Language, content: Content) -> None:
        """Compile the keywords, aliases and sign phrases of the content files."""
        self._nlp = nlp
        self._matcher = Matcher(nlp.vocab)
        groups = content.lexicon["groups"]
        for topic_id, topic in content.topics.items():
            _add(self._matcher, nlp, f"topic|{topic_id}", topic["keywords"], groups)
        for org_id, org in content.organisations.items():
            _add(self._matcher, nlp, f"organisation|{org_id}", org["aliases"], groups)
        for sign_id, sign in content.warning_signs.items():
            _add(self._matcher, nlp, f"warning_sign|{sign_id}", sign["patterns"], groups)

    def extract(self, text: str) -> List[Entity]:
        """Return the entities in ``text``, longest match first where they overlap."""
        folded = fold(text)
        if len(folded) != len(text):  # pragma: no cover - fold keeps lengths
            return []
        doc = self._nlp(folded)
        spans = [Span(doc, start, end, label=match_id) for match_id, start, end in self._matcher(doc)]
        entities = []
        for span in sorted(filter_spans(spans), key=lambda s: s.start):
            entity_type, value = span.label_.split("|", 1)
            start, end = _whole_words(text, span.start_char, span.end_char)
            entities.append(
                {"entity": entity_type, "value": value, "start": start, "end": end, "confidence": 1.0}
            )
        return entities


def _whole_words(text: str, start: int, end: int) -> Tuple[int, int]:
    """Widen a span to whole words ("won't", not "n't")."""
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'’"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in "'’"):
        end += 1
    return start, end


@dataclass(frozen=True)
class DangerResult:
    """What the danger matcher found in one message."""

    kinds: Tuple[str, ...] = ()
    confront: bool = False

    @property
    def is_danger(self) -> bool:
        """True when any kind of danger to a child was found."""
        return bool(self.kinds)

    @property
    def kind(self) -> str | None:
        """The first kind found, in the order of content/danger.yml."""
        return self.kinds[0] if self.kinds else None


class DangerMatcher:
    """Finds messages that mention a child in danger, or a plan to confront the abuser."""

    def __init__(self, nlp: Language, content: Content) -> None:
        """Compile the danger lexicon; the kinds keep the order of the file."""
        self._nlp = nlp
        self._text_speak = content.lexicon["text_speak"]
        self._order = list(content.danger["kinds"])
        self._matcher = Matcher(nlp.vocab)
        self._except = Matcher(nlp.vocab)
        groups = content.lexicon["groups"]
        for kind_id, kind in content.danger["kinds"].items():
            _add(self._matcher, nlp, kind_id, kind["patterns"], groups)
            if kind.get("except"):
                _add(self._except, nlp, kind_id, kind["except"], groups)
        _add(self._matcher, nlp, "confront", content.danger["confront"]["patterns"], groups)

    def detect(self, text: str) -> DangerResult:
        """Match the normalised message against every kind of danger."""
        doc = self._nlp(normalise(text, self._text_speak))
        strings = self._nlp.vocab.strings
        found = {strings[match_id] for match_id, _, _ in self._matcher(doc)}
        cancelled = {strings[match_id] for match_id, _, _ in self._except(doc)}
        kinds = tuple(k for k in self._order if k in found and k not in cancelled)
        return DangerResult(kinds=kinds, confront="confront" in found)
