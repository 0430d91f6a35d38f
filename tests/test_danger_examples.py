"""Every danger pattern shows why it is there: the messages it must match, and those it must not."""

from __future__ import annotations

from typing import Any, Iterable, List, Tuple


def _entries(content) -> Iterable[Tuple[str, str, int, Any]]:
    """(kind, role, index, entry) for every pattern, except and unreal opener of content/danger.yml."""
    for kind_id, kind in content.danger["kinds"].items():
        for index, entry in enumerate(kind["patterns"]):
            yield kind_id, "patterns", index, entry
        for index, entry in enumerate(kind.get("except", [])):
            yield kind_id, "except", index, entry
    for index, entry in enumerate(content.danger["confront"]["patterns"]):
        yield "confront", "patterns", index, entry
    for index, entry in enumerate(content.danger["confront"].get("except", [])):
        yield "confront", "except", index, entry
    for index, entry in enumerate(content.danger["unreal"]):
        yield "unreal", "unreal", index, entry


def test_every_pattern_carries_examples(content):
    missing = []
    for kind, role, index, entry in _entries(content):
        needed = "match" if role == "patterns" else "no_match"
        if not isinstance(entry, dict) or not entry.get(needed):
            missing.append(f"{kind} {role} {index}: needs {needed} examples")
    assert missing == []


def test_each_pattern_matches_its_own_examples_with_its_kind(content, danger):
    wrong: List[str] = []
    for kind, role, index, entry in _entries(content):
        if role != "patterns":
            continue
        for text in entry["match"]:
            keys = {found.key for found in danger.matches(text)}
            if f"{kind}|{index}" not in keys:
                wrong.append(f"{kind} '{entry['pattern']}' does not match: {text}")
    assert wrong == []


def test_no_match_examples_do_not_escalate_with_that_kind(content, danger):
    wrong: List[str] = []
    for kind, _, _, entry in _entries(content):
        for text in entry.get("no_match", []):
            result = danger.detect(text)
            hit = (
                result.confront
                if kind == "confront"
                else (result.is_danger if kind == "unreal" else kind in result.kinds)
            )
            if hit:
                wrong.append(f"{kind} '{entry['pattern']}' escalates: {text} -> {result}")
    assert wrong == []
