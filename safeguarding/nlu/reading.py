"""The one way the matchers read a parent's message: normalise, then tokenise, then lemmatise.

Both matchers (entities and danger) read through ``Reader``, so a fix to how
text is handled reaches both:

1. normalise (text.py): fold, split into words and marks, squeeze repeated
   letters, expand text-speak;
2. tokenise: split each word as spaCy's tokenizer does ("don't" is "do n't"),
   so that the words are those the patterns were compiled from;
3. lemmatise: run the pipeline over those words.

Every token keeps the place of the parent's word it came from, so matches can
be shown in the parent's own text.

A matcher may add its own ``Rewrite`` around step 1: the danger matcher
marks sentence ends before normalising and writes out contractions after
(clauses.py). The rewritten words are normalised again, by the same step,
and then tokenised and lemmatised as every other message is; the places are
then those of the rewritten text.
"""

from __future__ import annotations

import re
from typing import FrozenSet, Iterable, List, Mapping, NamedTuple, Protocol, Set, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from safeguarding.content.loader import Content
from safeguarding.nlu.text import Word, fold, normalised_words, spoken

# Where a token is in the parent's text: (start, end).
Place = Tuple[int, int]
_PATTERN_WORD = re.compile(r"[a-z0-9']+")


class Reading(NamedTuple):
    """A message as the matchers read it: the lemmatised Doc and each token's place in the text."""

    doc: Doc
    places: List[Place]


def pattern_words(pattern: str) -> Set[str]:
    """The words of a content pattern, without its syntax."""
    return set(_PATTERN_WORD.findall(pattern.lower()))


def content_patterns(content: Content) -> List[str]:
    """Every pattern of the content files that a matcher compiles."""
    patterns: List[str] = []
    for topic in content.topics.values():
        patterns += topic["keywords"]
    for org in content.organisations.values():
        patterns += org["aliases"]
    for sign in content.warning_signs.values():
        patterns += sign["patterns"] + sign.get("except", [])
    danger = content.danger
    entries = [e for kind in danger["kinds"].values() for e in kind["patterns"] + kind.get("except", [])]
    confront = danger["confront"]
    entries += confront["patterns"] + confront.get("except", []) + danger.get("unreal", [])
    # A danger pattern is a string, or a mapping with its examples.
    return patterns + [e if isinstance(e, str) else e["pattern"] for e in entries]


def known_words(
    nlp: Language, patterns: Iterable[str], groups: Mapping[str, List[str]], text_speak: Mapping[str, str]
) -> FrozenSet[str]:
    """Words squeezing may produce: the content's own words and the lemmatizer's."""
    known: Set[str] = set(text_speak)
    for pattern in patterns:
        known |= pattern_words(pattern)
    for words in groups.values():
        known.update(words)
    for expansion in text_speak.values():
        known.update(expansion.split())
    if "lemmatizer" in nlp.pipe_names:
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_lookup"):
            known.update(lookups.get_table("lemma_lookup").values())
    return frozenset(known)


class Rewrite(Protocol):
    """A matcher's own changes to a message around the normalising step."""

    def before(self, text: str) -> str:
        """The parent's text, changed before it is normalised."""

    def after(self, text: str) -> str:
        """The normalised words, as one string, changed before they are normalised again."""


class Reader:
    """Reads messages for the matchers, with the content's text-speak and known words."""

    def __init__(self, nlp: Language, content: Content, rewrite: Rewrite | None = None) -> None:
        """Take the text-speak and the words squeezing may produce from the content files."""
        self.nlp = nlp
        self.text_speak: Mapping[str, str] = content.lexicon["text_speak"]
        groups = content.lexicon["groups"]
        self.known = known_words(nlp, content_patterns(content), groups, self.text_speak)
        self.rewrite = rewrite

    def normalise(self, text: str) -> Tuple[str, List[Word]]:
        """Step 1: the normalised words of ``text``, and the text their places are in (see text.py)."""
        if self.rewrite is not None:
            words = normalised_words(self.rewrite.before(text), self.text_speak, self.known)
            text = self.rewrite.after(" ".join(word.text for word in words))
        return text, normalised_words(text, self.text_speak, self.known)

    def read(self, text: str) -> Reading:
        """The normalised, tokenised and lemmatised words of ``text``, with their places."""
        text, normalised = self.normalise(text)
        folded = fold(text)
        words: List[str] = []
        spaces: List[bool] = []
        places: List[Place] = []
        for index, word in enumerate(normalised):
            pieces = self._tokens(word, folded)
            for piece, place, space in pieces:
                words.append(piece)
                places.append(place)
                spaces.append(space)
            spaces[-1] = _space_after(folded, normalised, index)
        doc = Doc(self.nlp.vocab, words=words, spaces=spaces)
        return Reading(self.nlp(doc), places)

    def _tokens(self, word: Word, folded: str) -> List[Tuple[str, Place, bool]]:
        """The tokenizer's tokens of one normalised word, each ``spoken`` too ("shes/hes").

        Each comes with its place and whether a space follows it inside the
        word (between the words of an expansion). A word as typed gives each
        token its own place; a changed one (squeezed, expanded) gives every
        token the place of the whole word.
        """
        tokens = self.nlp.tokenizer(word.text)
        if len(tokens) == 1:
            return [(word.text, (word.start, word.end), False)]
        as_typed = word.text == folded[word.start : word.end]
        found = []
        for token in tokens:
            start = word.start + token.idx
            place = (start, start + len(token.text)) if as_typed else (word.start, word.end)
            said = spoken(token.text, self.text_speak, self.known)
            pieces = [t.text for piece in said for t in self.nlp.tokenizer(piece)]
            found += [(piece, place, number < len(pieces) - 1) for number, piece in enumerate(pieces)]
        return found


def _space_after(folded: str, words: List[Word], index: int) -> bool:
    """True when a space follows the word in the parent's text, or the next word comes from the same one."""
    word = words[index]
    following = words[index + 1] if index + 1 < len(words) else None
    if following is not None and following.start == word.start:
        return True
    return folded[word.end : word.end + 1].isspace()
