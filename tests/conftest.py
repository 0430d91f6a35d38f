"""Shared fixtures (the content files, the spaCy pipeline, the trained model) and the test tiers.

A test is in one of three tiers (`make test-unit`, `make test-model`,
`make test-system`): unmarked, it needs no trained model, no server and no
Debian package; ``@pytest.mark.model`` needs the trained model;
``@pytest.mark.system`` starts servers, Chromium or the cluster. The trained
model and the servers refuse a test not marked for them, so none can slip
into a faster tier.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import List

import pytest
import spacy

from safeguarding.content.loader import Content, get_content
from safeguarding.nlu.spacy_pipeline import pipeline_path
from tests import tiers

ROOT = Path(__file__).resolve().parent.parent
MODEL = Path(os.environ.get("SAFEGUARDING_MODEL", ROOT / "models" / "safeguarding.tar.gz"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Note the test's tier before its fixtures start anything."""
    tiers.note(item)


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Run the fast tiers first, so that a plain `pytest` fails early where it can."""
    items.sort(key=lambda item: tiers.TIERS.index(tiers.tier(item)))


@pytest.fixture(scope="session")
def content() -> Content:
    return get_content()


@pytest.fixture(scope="session")
def nlp() -> spacy.language.Language:
    path = ROOT / pipeline_path()
    assert (path / "meta.json").exists(), f"{path} is missing: run `make spacy`"
    return spacy.load(path)


@pytest.fixture(scope="session")
def entities(nlp, content):
    """The entity matcher, compiled once for every test."""
    from safeguarding.nlu.matching import EntityMatcher

    return EntityMatcher(nlp, content)


@pytest.fixture(scope="session")
def danger(nlp, content):
    """The danger matcher, compiled once for every test."""
    from safeguarding.nlu.matching import DangerMatcher

    return DangerMatcher(nlp, content)


@pytest.fixture(scope="session")
def agent():
    from rasa.core.agent import Agent

    tiers.require("model", "The trained model")
    assert MODEL.exists(), f"{MODEL} is missing: run `make train`"
    return Agent.load(str(MODEL))


_STARTED: List[float] = []


def pytest_sessionstart(session) -> None:
    """Note when this run started, so that the summary shows only the reports it wrote."""
    _STARTED[:] = [time.time()]


def _report(name: str) -> dict | None:
    """A results file written by this run's tests, if there is one."""
    import json

    path = ROOT / "results" / f"{name}.json"
    fresh = path.exists() and path.stat().st_mtime >= _STARTED[0]
    return json.loads(path.read_text()) if fresh else None


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the held-out NLU, warning-sign extractor and danger gate numbers at the end of the run."""
    write = terminalreporter.write_line
    if data := _report("nlu-heldout"):
        for tier, figures in data.items():
            write(
                f"intents, {tier} tier: {figures['examples']} phrasings, macro F1 {figures['macro_f1']:.3f}, "
                f"{len(figures['errors'])} misclassified"
            )
    if data := _report("sign-extractor"):
        for tier, figures in data.items():
            write(
                f"warning-sign extractor, {tier} tier: {figures['phrasings']} phrasings, precision "
                f"{figures['precision']:.3f}, recall {figures['recall']:.3f}, "
                f"{len(figures['misses'])} missed, {len(figures['false_positives'])} false positives"
            )
    if data := _report("danger-gate"):
        for tier, figures in data.items():
            write(
                f"danger, {tier} tier: {figures['danger messages']} danger, "
                f"{figures['harmless messages']} harmless"
            )
            for name, numbers in figures["layers"].items():
                write(
                    f"  {name}: danger recall {numbers['danger recall']:.3f}, "
                    f"harmless flagged {numbers['harmless flagged']:.3f}"
                )
