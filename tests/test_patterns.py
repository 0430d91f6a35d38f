"""The pattern syntax refuses what it cannot mean, and says where the pattern is."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguarding.nlu.patterns import (
    PatternError,
    compile_pattern,
    compile_patterns,
    expand_phrases,
    where_in,
)

GROUPS = {"child": ["son", "daughter"], "adult": ["man"]}

DANGER = """\
version: 1
kinds:
  missing_child:
    patterns:
      - pattern: "{child} * be =missing"
        match: [our lad has been missing since friday]
      - pattern: "{PLACEHOLDER}"
        match: [an example]
"""


def _where(tmp_path: Path, pattern: str):
    path = tmp_path / "danger.yml"
    path.write_text(DANGER.replace("{PLACEHOLDER}", pattern), encoding="utf-8")
    return where_in(path, "kind missing_child", ("kinds", "missing_child", "patterns"))


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("no one|nobody * see", r"'no one\|nobody' reads as one word then one of"),
        ("anyone|any one * see", r"'anyone\|any one one' reads as one word|reads as one word"),
        ("self harm|selfharm", "parentheses"),
        ("{kids} * missing", r"unknown group \{kids\}"),
        ("son||daughter * missing", "empty alternative"),
        ("son| * missing", "empty alternative"),
        ("(son|) * missing", "empty alternative"),
        ("=missing|lost * son", "mixes =exact and lemma words"),
        ("=missing|{child}", "mixes =exact and lemma words"),
        ("can't * go on", "more than one word"),
        ("(no (one)|nobody) here", "parentheses"),
        ("(no one|nobody * here", "unbalanced"),
        ("* missing", "must start and end with a word"),
    ],
)
def test_each_error_names_the_file_the_kind_and_the_line(tmp_path, nlp, pattern, message):
    where = _where(tmp_path, pattern)
    with pytest.raises(PatternError, match=message) as caught:
        compile_patterns(nlp, ["{child} * be =missing", pattern], GROUPS, None, where)
    text = str(caught.value)
    assert text.startswith("content/danger.yml, kind missing_child, line 7: ") or text.startswith(
        f"{tmp_path.name}/danger.yml, kind missing_child, line 7: "
    )
    assert f"pattern '{pattern}'" in text


def test_a_phrase_alternative_in_parentheses_stands_for_each_phrase(nlp):
    assert expand_phrases("(no one|nobody) * seen") == [["no", "one", "*", "seen"], ["nobody", "*", "seen"]]
    compiled = compile_patterns(nlp, ["(no one|nobody) * seen {child}"], GROUPS)
    assert len(compiled) == 2
    with pytest.raises(PatternError, match="use compile_patterns"):
        compile_pattern(nlp, "(no one|nobody) here", GROUPS)


def test_words_that_merely_share_letters_are_not_taken_for_phrases(nlp):
    # "came" does not start with "not", "houses" does not start with "trap".
    compile_pattern(nlp, "not come|came home", GROUPS)
    compile_pattern(nlp, "trap house|houses", GROUPS)


def test_the_real_content_compiles_with_its_places(danger, entities):
    # The session's matchers are compiled from the real content files.
    assert danger.detect("my child is missing").is_danger
    assert entities.extract("he has two phones")
