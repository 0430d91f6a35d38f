"""The danger matcher's own steps around the Reader (reading.py): contractions, clauses, and who is who.

Three small, deterministic steps, each with its own tests (tests/test_clauses.py):

- ``expand_contractions``: "can't" is "can not" and "what's" is "what is",
  as parents mean them (the tokenizer would give "ca n't" and a lemma of
  "have" for "'s"). With the sentence marks, it is the ``DangerWording``
  the Reader applies around its normalising step.
- ``clause_numbers``: which clause each token is in. A danger phrase must lie
  within one clause: sentences end at . ! ? ; and new lines, and a clause
  starts at words such as "but" (content/lexicon.yml ``clauses``).
- ``mark_roles``: words that look like a person but are not one. There is no
  part-of-speech tagger in the pipeline, so simple rules change the lemma the
  matcher sees: a possessive "her" ("her charger") is not the child, and an
  age ("my 10 year old", "15yo") is the child but not an adult.
"""

from __future__ import annotations

import re
from typing import Collection, List

from spacy.tokens import Doc, Token

# The lemma given to a word that names a child by age ("15 year old"): the
# lexicon's {child} group lists it.
AGE_LEMMA = "yearold"
# The lemma given to an adult's age ("a 25 year old", "he's 22"): the {adult} group lists it.
GROWN_LEMMA = "grownage"
ADULT_FROM = 18
# The lemma given to a possessive "her" ("her charger"): no pattern uses it.
POSSESSIVE_LEMMA = "her_poss"

_NOT = {"can't": "can not", "won't": "will not", "shan't": "shall not", "ain't": "is not"}
_NEGATED = re.compile(r"\b([a-z]+)n't\b")
_IS = re.compile(
    r"\b(i|you|we|they|he|she|it|that|what|who|where|there|here|how|when|why|everything|nothing)'s\b"
)
_HAS = re.compile(r"\b(\w+)'s (been|got|gone|had)\b")
_OTHER = {"'re": " are", "'ll": " will", "'ve": " have", "'m": " am", "'d": " would"}
_PRONOUN_SUFFIX = re.compile(r"\b(i|you|we|they|he|she|it|that|what|who|there)('re|'ll|'ve|'m|'d)\b")


def expand_contractions(text: str) -> str:
    """Write out the contractions of folded text: "can't" is "can not", "what's" is "what is".

    A noun's "'s" is left alone ("my son's phone", "my son's missing"): it
    is a possessive or "is", and the matcher's patterns allow for both.
    """
    for short, long in _NOT.items():
        text = re.sub(rf"\b{re.escape(short)}", long, text)
    text = _NEGATED.sub(r"\1 not", text)
    text = _HAS.sub(r"\1 has \2", text)
    text = _IS.sub(r"\1 is", text)
    return _PRONOUN_SUFFIX.sub(lambda m: m.group(1) + _OTHER[m.group(2)], text)


_DECIMAL = re.compile(r"(\d)\.(\d)")
_ELLIPSIS = re.compile(r"\.{2,}|\u2026")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")
_ANY_MORE = re.compile(r"\bany more\b")


class DangerWording:
    """The danger matcher's rewrite of a message, around the Reader's normalising step (reading.Rewrite).

    Before: new lines end a sentence, "10.30" and "..." do not. After:
    contractions are written out, and "any more" is written "anymore", as
    the patterns have it.
    """

    @staticmethod
    def before(text: str) -> str:
        """Mark sentence ends in the parent's text."""
        text = _DECIMAL.sub(r"\1:\2", text)
        text = _ELLIPSIS.sub(" , ", text)
        return _NEWLINES.sub(" . ", text.strip())

    @staticmethod
    def after(text: str) -> str:
        """Write out the contractions of the normalised words."""
        return _ANY_MORE.sub("anymore", expand_contractions(text))


def clause_numbers(doc: Doc, marks: Collection[str], words: Collection[str]) -> List[int]:
    """The number of the clause each token is in.

    A mark (".", "?") ends a clause; a word ("but") starts a new one.
    """
    numbers: List[int] = []
    clause = 0
    for token in doc:
        if token.lower_ in words:
            clause += 1
        numbers.append(clause)
        if token.text in marks:
            clause += 1
    return numbers


# Words that are never the thing a possessive "her" owns: function words,
# adverbs and verbs that follow an object ("told her to", "hurt her badly").
_NOT_OWNED = frozenset(
    """a an the to and or but nor so if as of at by in on off up out for from with without into onto over
    under about after before through around round near back down away home again too very really just still
    also even yet now then there here alone that this these those not never no all both some any every
    each more most much many few own such tonight today tomorrow yesterday later soon last next once
    twice i you he she it we they me him her us them my your his its our their who what where when why
    how which whom whose is are was were be been being am have has had do does did can could will would
    shall should may might must get got go went gone come came say said tell told ask asked want wanted
    let make made keep kept know think feel see saw look hear heard because cos till until while since
    enough anymore anything something nothing everything anyone someone somebody everyone nobody like
    outside inside behind beside across along past towards toward against between among upstairs downstairs
    instead anywhere everywhere somewhere though tho unless whether
    please yes okay ok lol""".split()
)
# Verbs after which "her" is a person even before a noun: "he sends her pictures".
_GIVING = frozenset(
    """send give show buy offer pay bring tell ask text message teach sell hand lend promise owe get make
    call email dm snap leave write pass slip take drive invite""".split()
)
_AGE_WORDS = frozenset({"year", "years", "yr", "yrs", "month", "months", "week", "weeks"})
_AGE = re.compile(r"^\d+(yo|y/o|yrs?old|yearold)$")


def _looks_owned(token: Token) -> bool:
    """True when ``token`` reads as owned ("her phone", "her coach"), not a verb or function word."""
    word = token.lower_
    if not word.isalpha() or word in _NOT_OWNED or word.endswith("ly"):
        return False
    # A verb form the lemmatizer knows ("missing" is "miss", "crying" is "cry").
    return not (word.endswith(("ing", "ed")) and token.lemma_ != word)


def is_possessive(doc: Doc, index: int) -> bool:
    """True when "her" at ``index`` owns the next word ("her charger") rather than naming a person.

    "her" is a possessive when the next word reads as a noun, unless a verb
    of giving or telling comes just before it ("he sends her pictures").
    """
    token = doc[index]
    if token.lower_ != "her" or index + 1 >= len(doc):
        return False
    if index > 0 and doc[index - 1].lemma_ in _GIVING:
        return False
    return _looks_owned(doc[index + 1])


def is_age(doc: Doc, index: int) -> bool:
    """True when the token at ``index`` ends an age naming a child ("my 10 year old", "15yo")."""
    word = doc[index].lower_
    if _AGE.match(word):
        return True
    if word == "yo" and index > 0 and doc[index - 1].like_num:
        return True
    if word not in ("old", "olds"):
        return False
    before = [t for t in doc[max(index - 3, 0) : index] if t.text != "-"]
    return bool(before) and before[-1].lower_ in _AGE_WORDS


def _years(doc: Doc, index: int) -> int | None:
    """The number of years of the age ending at ``index`` ("25 year old", "25yo"), if it says."""
    digits = re.match(r"^(\d+)", doc[index].lower_)
    if digits:
        return int(digits.group(1))
    for token in reversed(doc[max(index - 4, 0) : index]):
        if token.lower_.isdigit():
            return int(token.lower_)
    return None


def is_adult_number(doc: Doc, index: int) -> bool:
    """True when a bare number gives a person's adult age: "he's 22", "the man is 40"."""
    token = doc[index]
    if not token.lower_.isdigit() or not ADULT_FROM <= int(token.lower_) < 100 or index == 0:
        return False
    after = doc[index + 1].lower_ if index + 1 < len(doc) else ""
    units = _AGE_WORDS | {"yo", "o'clock", "am", "pm", "minutes"}
    return doc[index - 1].lemma_ == "be" and after not in units


def mark_roles(doc: Doc) -> Doc:
    """Give possessive "her" and ages their own lemmas, so that {child} and {adult} mean people.

    An age under 18 names a child ("my 15 year old"), one of 18 or over
    an adult ("a 25 year old", "he's 22").
    """
    for index, token in enumerate(doc):
        if token.text == "'s":
            # "my son's missing" is "is"; "my son's knife" is a possessive, not "has".
            after = doc[index + 1] if index + 1 < len(doc) else None
            token.lemma_ = "'s" if after is not None and _looks_owned(after) else "be"
        elif is_possessive(doc, index):
            token.lemma_ = POSSESSIVE_LEMMA
        elif is_age(doc, index):
            years = _years(doc, index)
            token.lemma_ = GROWN_LEMMA if years is not None and years >= ADULT_FROM else AGE_LEMMA
        elif is_adult_number(doc, index):
            token.lemma_ = GROWN_LEMMA
    return doc
