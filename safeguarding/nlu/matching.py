"""Deterministic matchers over lemmas: entities for signposting, and danger.

Both are built from the content files and a spaCy pipeline (the assistant's
own lemmatizing pipeline inside Rasa, or any English pipeline in tests), and
both read a message the same way (reading.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Set, Tuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from safeguarding.content.loader import CONTENT_DIR, Content
from safeguarding.nlu.clauses import DangerWording, clause_numbers, mark_roles
from safeguarding.nlu.patterns import compile_patterns, where_in
from safeguarding.nlu.reading import Reader, pattern_words

Entity = Dict[str, Any]


def _add(
    matcher: Matcher,
    nlp: Language,
    key: str,
    patterns: Iterable[str],
    groups: Dict[str, List[str]],
    text_speak: Mapping[str, str] | None = None,
) -> None:
    matcher.add(key, compile_patterns(nlp, patterns, groups, text_speak))


@dataclass(frozen=True)
class Negation:
    """The local negation rule of content/lexicon.yml ``negation``.

    A warning sign is denied when a negation word comes at most ``window``
    tokens before it in the same clause ("he doesn't have two phones"), or
    inside it when the sign's pattern is not itself a negation ("his moods
    haven't changed"). Words are compared by lower-case form and by lemma. A
    hyphen inside a word ("brand-new") is not a clause break.
    """

    window: int
    words: FrozenSet[str]
    next_word_only: FrozenSet[str]
    in_patterns: FrozenSet[str]
    hedges: FrozenSet[str]
    breaks: FrozenSet[str]

    @classmethod
    def from_lexicon(cls, nlp: Language, lexicon: Dict[str, Any]) -> Negation:
        """Read the rule, adding the lemma of each word ("n't" is "not")."""
        config = lexicon["negation"]

        def forms(words: Iterable[str]) -> FrozenSet[str]:
            found: Set[str] = set()
            for word in words:
                found.add(word)
                found.update(token.lemma_ for token in nlp(word))
            return frozenset(found)

        return cls(
            window=config["window"],
            words=forms(config["words"]),
            next_word_only=forms(config["next_word_only"]),
            in_patterns=forms(config["in_patterns"]),
            hedges=forms(config["hedges"]),
            breaks=frozenset(config["breaks"]),
        )

    @staticmethod
    def _is(token: Token, words: FrozenSet[str]) -> bool:
        return token.lower_ in words or token.lemma_ in words

    def _is_break(self, doc: Doc, index: int) -> bool:
        token = doc[index]
        joined = token.text == "-" and not token.whitespace_ and index > 0 and not doc[index - 1].whitespace_
        return self._is(token, self.breaks) and not joined

    def _negates_at(self, doc: Doc, index: int, distance: int) -> bool:
        """True when the token at ``index`` denies what comes ``distance`` tokens after it."""
        token = doc[index]
        after = doc[index + 1] if index + 1 < len(doc) else None
        if after is not None and self._is(after, self.hedges):
            return False
        return self._is(token, self.words) or (distance == 1 and self._is(token, self.next_word_only))

    def is_negated(self, doc: Doc, start: int, end: int, inside: bool) -> bool:
        """True when the span ``doc[start:end]`` is denied; ``inside`` also looks within it."""
        for index in range(start - 1, max(start - self.window, 0) - 1, -1):
            if self._is_break(doc, index):
                break
            if self._negates_at(doc, index, start - index):
                return True
        if inside:
            return any(self._negates_at(doc, index, 1) for index in range(start, end))
        return False


class EntityMatcher:
    """Finds topics, organisations and warning signs a parent names.

    The message is read as reading.py says (text-speak such as "fones",
    "shes" and "doesnt" expanded), and every word keeps the place of the
    parent's word it came from, so spans are given in the parent's own text
    and Rasa shows exactly which words were recognised. Warning signs the
    parent denies ("he doesn't have two phones") are left out.
    """

    def __init__(self, nlp: Language, content: Content) -> None:
        """Compile the keywords, aliases and sign phrases of the content files."""
        self._nlp = nlp
        self._reader = Reader(nlp, content)
        self._matcher = Matcher(nlp.vocab)
        self._except = Matcher(nlp.vocab)
        lexicon = content.lexicon
        groups = lexicon["groups"]
        self._negation = Negation.from_lexicon(nlp, lexicon)
        # Patterns whose own words deny something ("not let me see * phone"),
        # and those that presuppose a denial before them ("usual friends * anymore").
        self._negative_patterns: Set[str] = set()
        self._denial_patterns: Set[str] = set()
        speak = self._reader.text_speak
        for topic_id, topic in content.topics.items():
            _add(self._matcher, nlp, f"topic|{topic_id}", topic["keywords"], groups, speak)
        for org_id, org in content.organisations.items():
            _add(self._matcher, nlp, f"organisation|{org_id}", org["aliases"], groups, speak)
        negation = self._negation
        denials = negation.words | negation.next_word_only
        for sign_id, sign in content.warning_signs.items():
            for index, pattern in enumerate(sign["patterns"]):
                key = f"warning_sign|{sign_id}|{index}"
                _add(self._matcher, nlp, key, [pattern], groups, speak)
                words = pattern_words(pattern)
                if words & denials:
                    self._negative_patterns.add(key)
                if words & negation.in_patterns:
                    self._denial_patterns.add(key)
            if sign.get("except"):
                _add(self._except, nlp, sign_id, sign["except"], groups, speak)

    def _is_denied(self, doc: Doc, key: str, start: int, end: int) -> bool:
        """True when the parent denies the sign matched by pattern ``key`` at ``doc[start:end]``."""
        if key in self._denial_patterns:
            return False
        return self._negation.is_negated(doc, start, end, inside=key not in self._negative_patterns)

    def extract(self, text: str) -> List[Entity]:
        """Return the entities in ``text``, longest match first where they overlap."""
        return self.read(text)[0]

    def read(self, text: str) -> Tuple[List[Entity], Set[str]]:
        """The entities in ``text``, and the warning signs it only denies ("he hasn't got two phones")."""
        doc, places = self._reader.read(text)
        strings = self._nlp.vocab.strings
        excepted = [(strings[key], start, end) for key, start, end in self._except(doc)]
        spans = []
        denied: Set[str] = set()
        for match_id, start, end in self._matcher(doc):
            key = strings[match_id]
            entity_type, value = key.split("|")[:2]
            if entity_type == "warning_sign" and any(
                sign == value and s < end and start < e for sign, s, e in excepted
            ):
                continue
            if entity_type == "warning_sign" and self._is_denied(doc, key, start, end):
                denied.add(value)
                continue
            spans.append(Span(doc, start, end, label=f"{entity_type}|{value}"))
        entities = []
        for span in sorted(_resolve_overlaps(spans), key=lambda s: s.start):
            entity_type, value = span.label_.split("|", 1)
            start, end = _whole_words(text, places[span.start][0], places[span.end - 1][1])
            entities.append(
                {"entity": entity_type, "value": value, "start": start, "end": end, "confidence": 1.0}
            )
        named = {e["value"] for e in entities if e["entity"] == "warning_sign"}
        return entities, denied - named


def _resolve_overlaps(spans: List[Span]) -> List[Span]:
    """Keep the longest match where matches overlap; a different warning sign keeps its own words.

    In "two phones I didn't buy" both "two phones" (more than one phone) and
    "phones I didn't buy" (a gift) are signs: the shorter is trimmed to the
    words the longer does not cover, instead of being lost.
    """
    kept: List[Span] = list(filter_spans(spans))
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        if span in kept or not span.label_.startswith("warning_sign|"):
            continue
        if any(k.label_ == span.label_ for k in kept):
            continue
        covered = {
            i for k in kept if k.start < span.end and span.start < k.end for i in range(k.start, k.end)
        }
        free = [i for i in range(span.start, span.end) if i not in covered]
        if free and free == list(range(free[0], free[-1] + 1)):
            kept.append(Span(span.doc, free[0], free[-1] + 1, label=span.label_))
    return kept


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


def _pattern_text(item: str | Mapping[str, Any]) -> str:
    """The pattern of a danger.yml entry: a plain string, or the ``pattern`` of a mapping with examples."""
    return item if isinstance(item, str) else item["pattern"]


@dataclass(frozen=True)
class _Found:
    """One match of a danger, confront, except or unreal pattern: its key and tokens."""

    key: str
    start: int
    end: int


class DangerMatcher:
    """Finds messages that mention a child in danger, or a plan to confront the abuser.

    The message is read as reading.py says, with the danger wording of
    clauses.py (sentence ends marked, contractions written out), then
    possessive "her" and ages are told apart from people, and it is
    matched against content/danger.yml. A match counts only when it lies
    within one clause, no ``except`` of its kind overlaps it, and it does
    not follow an ``unreal`` opener in its clause ("what would I do if ...",
    "how do I know if ..."), so a question in one sentence never hides a
    disclosure in the next.
    """

    def __init__(self, nlp: Language, content: Content, source: Path | None = None) -> None:
        """Compile the danger lexicon; the kinds keep the order of the file.

        ``source`` is the danger file the content was read from, for the
        line numbers of pattern errors (content/danger.yml by default).
        """
        self._nlp = nlp
        self.reader = Reader(nlp, content, DangerWording())
        clauses = content.lexicon["clauses"]
        self._marks = frozenset(clauses["marks"])
        self._breaks = frozenset(clauses["words"])
        danger = content.danger
        self._order = list(danger["kinds"])
        self._matcher = Matcher(nlp.vocab)
        groups = content.lexicon["groups"]
        path = source or CONTENT_DIR / "danger.yml"

        def add(key: str, items: List[Any], at: Tuple[Any, ...], label: str) -> None:
            patterns = [_pattern_text(item) for item in items]
            where = where_in(path, label, at)
            self._matcher.add(key, compile_patterns(nlp, patterns, groups, None, where))

        for kind_id, kind in danger["kinds"].items():
            for index, item in enumerate(kind["patterns"]):
                add(f"{kind_id}|{index}", [item], ("kinds", kind_id, "patterns", index), f"kind {kind_id}")
            for index, item in enumerate(kind.get("except", [])):
                add(
                    f"except|{kind_id}|{index}",
                    [item],
                    ("kinds", kind_id, "except", index),
                    f"kind {kind_id} except",
                )
        for index, item in enumerate(danger["confront"]["patterns"]):
            add(f"confront|{index}", [item], ("confront", "patterns", index), "confront")
        for index, item in enumerate(danger["confront"].get("except", [])):
            add(f"except|confront|{index}", [item], ("confront", "except", index), "confront except")
        for index, item in enumerate(danger.get("unreal", [])):
            add(f"unreal|{index}", [item], ("unreal", index), "unreal")

    def read(self, text: str) -> Doc:
        """The message as the danger patterns see it: read, then who is who marked."""
        return mark_roles(self.reader.read(text).doc)

    def clauses(self, doc: Doc) -> List[int]:
        """The number of the clause each token of ``doc`` is in."""
        return clause_numbers(doc, self._marks, self._breaks)

    def matches(self, text: str) -> List[_Found]:
        """Every pattern match that counts in ``text``, by key ("missing_child|3"), in one clause each."""
        doc = self.read(text)
        clause = self.clauses(doc)
        strings = self._nlp.vocab.strings
        found = [
            _Found(strings[match_id], start, end)
            for match_id, start, end in self._matcher(doc)
            if clause[start] == clause[end - 1]
        ]
        excepts = [f for f in found if f.key.startswith("except|")]
        unreal = [f for f in found if f.key.startswith("unreal|")]

        def counts(f: _Found) -> bool:
            kind = f.key.split("|")[0]
            if any(e.key.split("|")[1] == kind and e.start < f.end and f.start < e.end for e in excepts):
                return False
            return not any(clause[u.start] == clause[f.start] and u.start <= f.start for u in unreal)

        return [f for f in found if not f.key.startswith(("except|", "unreal|")) and counts(f)]

    def detect(self, text: str) -> DangerResult:
        """Match the message against every kind of danger."""
        found = {f.key.split("|")[0] for f in self.matches(text)}
        kinds = tuple(k for k in self._order if k in found)
        return DangerResult(kinds=kinds, confront="confront" in found)
