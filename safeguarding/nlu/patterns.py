"""Compile the content files' pattern syntax into spaCy Matcher patterns.

The syntax, matched on lemmas of folded text:
  word     any form of the word       a|b      either word
  =word    exactly this word form     {group}  any word of a lexicon group
  *        up to three other words
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping

from spacy.language import Language

WILDCARD_WIDTH = 3
TokenSpec = Dict[str, Any]


class PatternError(ValueError):
    """A pattern in a content file that cannot be compiled."""


def _lemma(nlp: Language, word: str) -> str:
    tokens = nlp(word)
    if len(tokens) != 1:
        raise PatternError(
            f"'{word}' is more than one word to the tokenizer "
            f"({' '.join(t.text for t in tokens)}); write it as separate words"
        )
    return tokens[0].lemma_


def _spoken(word: str, text_speak: Mapping[str, str] | None) -> str:
    """The word text-speak expands it to, when the text is expanded before matching."""
    if not text_speak or word not in text_speak:
        return word
    expansion = text_speak[word]
    if len(expansion.split()) != 1:
        raise PatternError(f"'{word}' is text-speak for '{expansion}'; write that instead")
    return expansion


def _token_spec(
    nlp: Language, item: str, groups: Mapping[str, List[str]], text_speak: Mapping[str, str] | None = None
) -> TokenSpec:
    words: List[str] = []
    for alternative in item.split("|"):
        if alternative.startswith("{") and alternative.endswith("}"):
            name = alternative[1:-1]
            if name not in groups:
                raise PatternError(f"unknown group {alternative}; groups are {sorted(groups)}")
            words.extend(groups[name])
        else:
            words.append(alternative)
    words = [w if w.startswith("=") else _spoken(w, text_speak) for w in words]
    exact = sorted({w[1:] for w in words if w.startswith("=")})
    # The word itself too: on its own the lookup lemmatizer can mistake it
    # ("number" alone is "numb", but "numbers" is "number").
    plain = [w for w in words if w and not w.startswith("=")]
    lemmas = sorted({_lemma(nlp, w) for w in plain} | set(plain))
    if exact and lemmas:
        raise PatternError(f"'{item}' mixes =exact and lemma words; split the pattern")
    if exact:
        return {"LOWER": {"IN": exact}}
    if not lemmas:
        raise PatternError(f"empty word in pattern near '{item}'")
    return {"LEMMA": {"IN": lemmas}}


def compile_pattern(
    nlp: Language,
    pattern: str,
    groups: Mapping[str, List[str]],
    text_speak: Mapping[str, str] | None = None,
) -> List[TokenSpec]:
    """Turn one pattern string into a list of spaCy Matcher token specs.

    With ``text_speak``, for text that is expanded before matching, a pattern
    word that is text-speak ("nite") stands for its expansion ("night").
    """
    items = pattern.lower().split()
    if not items or items[0] == "*" or items[-1] == "*":
        raise PatternError(f"pattern '{pattern}' must start and end with a word")
    specs: List[TokenSpec] = []
    for item in items:
        if item == "*":
            specs.extend({"OP": "?"} for _ in range(WILDCARD_WIDTH))
        else:
            specs.append(_token_spec(nlp, item, groups, text_speak))
    return specs


def compile_patterns(
    nlp: Language,
    patterns: Iterable[str],
    groups: Mapping[str, List[str]],
    text_speak: Mapping[str, str] | None = None,
) -> List[List[TokenSpec]]:
    """Compile several patterns, naming the failing one in any error."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(compile_pattern(nlp, pattern, groups, text_speak))
        except PatternError as error:
            raise PatternError(f"pattern '{pattern}': {error}") from None
    return compiled
