"""Compile the content files' pattern syntax into spaCy Matcher patterns.

The syntax, matched on lemmas of folded text:
  word     any form of the word       a|b      either word
  =word    exactly this word form     {group}  any word of a lexicon group
  *        up to three other words    (a b|c)  either phrase: "a b", or "c"

The compiler refuses what it cannot mean, rather than compiling it to
something else: an empty alternative ("a||b"), an unknown group, an
alternative mixing =exact and lemma words, a word the tokenizer splits, and a
bare alternative that reads as a phrase ("no one|nobody" is "no", then "one"
or "nobody": write "(no one|nobody)"). With a ``where``, every error names the
content file, the kind or sign, and the line.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Sequence, Tuple
from weakref import WeakKeyDictionary

import yaml
from spacy.language import Language

WILDCARD_WIDTH = 3
TokenSpec = Dict[str, Any]
# Where a pattern is, for error messages: given the pattern's index, a description.
Where = Callable[[int], str]

# A pattern's items: a parenthesised phrase alternative, or a run of non-space characters.
_ITEM = re.compile(r"\([^()]*\)|[^\s()]+|[()]")


class PatternError(ValueError):
    """A pattern in a content file that cannot be compiled."""


# The lemma of each pattern word, per pipeline: a group's words recur in many patterns.
_LEMMAS: WeakKeyDictionary[Language, Dict[str, str]] = WeakKeyDictionary()


def _lemma(nlp: Language, word: str) -> str:
    known = _LEMMAS.setdefault(nlp, {})
    if word not in known:
        tokens = nlp(word)
        if len(tokens) != 1:
            raise PatternError(
                f"'{word}' is more than one word to the tokenizer "
                f"({' '.join(t.text for t in tokens)}); write it as separate words"
            )
        known[word] = tokens[0].lemma_
    return known[word]


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
        if not alternative or alternative == "=":
            raise PatternError(f"'{item}' has an empty alternative")
        if alternative.startswith("{") and alternative.endswith("}"):
            name = alternative[1:-1]
            if name not in groups:
                raise PatternError(f"unknown group {alternative}; groups are {sorted(groups)}")
            words.extend(groups[name])
        elif "{" in alternative or "}" in alternative:
            raise PatternError(f"'{alternative}' is not a group: write {{name}}")
        else:
            words.append(alternative)
    words = [w if w.startswith("=") else _spoken(w, text_speak) for w in words]
    exact = sorted({w[1:] for w in words if w.startswith("=")})
    # The word itself too: on its own the lookup lemmatizer can mistake it
    # ("number" alone is "numb", but "numbers" is "number").
    plain = [w for w in words if not w.startswith("=")]
    if exact and plain:
        raise PatternError(f"'{item}' mixes =exact and lemma words; split the pattern")
    if exact:
        return {"LOWER": {"IN": exact}}
    lemmas = sorted({_lemma(nlp, w) for w in plain} | set(plain))
    return {"LEMMA": {"IN": lemmas}}


def _bare_word(item: str) -> str | None:
    """The word of an item that is one plain word (not a group, wildcard, alternative or phrase)."""
    if item == "*" or "|" in item or item.startswith(("{", "(", "=")):
        return None
    return item


def _check_phrase_reading(items: Sequence[str]) -> None:
    """Refuse a bare ``a|b`` that reads as a phrase alternative.

    "no one|nobody" compiles to "no" followed by "one" or "nobody": an
    alternative that starts with the word before it ("nobody" after "no"),
    or ends with the word after it ("anyone|any one"), shows that the writer
    meant a phrase. Such alternatives must be written "(no one|nobody)".
    """
    for index, item in enumerate(items):
        if "|" not in item or item.startswith("("):
            continue
        alternatives = [a.lstrip("=") for a in item.split("|")]
        before = _bare_word(items[index - 1]) if index > 0 else None
        after = _bare_word(items[index + 1]) if index + 1 < len(items) else None
        for alternative in alternatives:
            if before and alternative != before and alternative.startswith(before.lstrip("=")):
                phrase = f"{before} {item}"
            elif after and alternative != after and alternative.endswith(after.lstrip("=")):
                phrase = f"{item} {after}"
            else:
                continue
            raise PatternError(
                f"'{phrase}' reads as one word then one of {item.split('|')}, not as a choice of "
                f"phrases; write a phrase alternative in parentheses, like (no one|nobody)"
            )


def expand_phrases(pattern: str) -> List[List[str]]:
    """The item lists a pattern stands for: one per choice of each "(a b|c)" phrase alternative."""
    text = pattern.lower()
    if text.count("(") != text.count(")"):
        raise PatternError("unbalanced parentheses")
    items = _ITEM.findall(text)
    if "(" in items or ")" in items:
        raise PatternError("parentheses must enclose phrases, like (no one|nobody), and cannot nest")
    choices: List[List[List[str]]] = []
    for item in items:
        if item.startswith("("):
            phrases = [p.split() for p in item[1:-1].split("|")]
            if any(not p for p in phrases):
                raise PatternError(f"'{item}' has an empty alternative")
            if any("*" in p for p in phrases):
                raise PatternError(f"'{item}': a phrase alternative cannot hold *")
            choices.append(phrases)
        else:
            choices.append([[item]])
    _check_phrase_reading(items)
    return [
        [word for phrase in combination for word in phrase] for combination in itertools.product(*choices)
    ]


def _compile_items(
    nlp: Language,
    pattern: str,
    items: List[str],
    groups: Mapping[str, List[str]],
    text_speak: Mapping[str, str] | None,
) -> List[TokenSpec]:
    if not items or items[0] == "*" or items[-1] == "*":
        raise PatternError(f"pattern '{pattern}' must start and end with a word")
    specs: List[TokenSpec] = []
    for item in items:
        if item == "*":
            specs.extend({"OP": "?"} for _ in range(WILDCARD_WIDTH))
        else:
            specs.append(_token_spec(nlp, item, groups, text_speak))
    return specs


def compile_pattern(
    nlp: Language,
    pattern: str,
    groups: Mapping[str, List[str]],
    text_speak: Mapping[str, str] | None = None,
) -> List[TokenSpec]:
    """Turn one pattern string without phrase alternatives into a list of spaCy Matcher token specs.

    With ``text_speak``, for text that is expanded before matching, a pattern
    word that is text-speak ("nite") stands for its expansion ("night").
    """
    variants = expand_phrases(pattern)
    if len(variants) != 1:
        raise PatternError(f"pattern '{pattern}' stands for {len(variants)} patterns: use compile_patterns")
    return _compile_items(nlp, pattern, variants[0], groups, text_speak)


def compile_patterns(
    nlp: Language,
    patterns: Iterable[str],
    groups: Mapping[str, List[str]],
    text_speak: Mapping[str, str] | None = None,
    where: Where | None = None,
) -> List[List[TokenSpec]]:
    """Compile several patterns, naming the failing one (and, with ``where``, its place) in any error."""
    compiled = []
    for index, pattern in enumerate(patterns):
        try:
            for items in expand_phrases(pattern):
                compiled.append(_compile_items(nlp, pattern, items, groups, text_speak))
        except PatternError as error:
            place = f"{where(index)}: " if where else ""
            raise PatternError(f"{place}pattern '{pattern}': {error}") from None
    return compiled


def yaml_lines(path: Path) -> Dict[Tuple[Any, ...], int]:
    """The line (from 1) of every node of a YAML file, by its path of keys and list indices.

    ``{("kinds", "missing_child", "patterns", 2): 93, ...}``: the content
    loader keeps only the data, so errors find their line here.
    """
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return {}
    lines: Dict[Tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, at: Tuple[Any, ...]) -> None:
        lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, at + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                walk(value, at + (index,))

    if root is not None:
        walk(root, ())
    return lines


def where_in(path: Path, label: str, at: Tuple[Any, ...]) -> Where:
    """A ``where`` for the patterns at key path ``at`` of a content file ("danger.yml, ..., line 12")."""
    lines: Dict[Tuple[Any, ...], int] | None = None

    def describe(index: int) -> str:
        nonlocal lines
        if lines is None:
            lines = yaml_lines(path)
        line = lines.get(at + (index,)) or lines.get(at)
        shown = f"{path.parent.name}/{path.name}"
        return f"{shown}, {label}" + (f", line {line}" if line else "")

    return describe
