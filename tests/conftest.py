"""Shared fixtures: the content files, the spaCy pipeline and the trained model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy

from safeguarding.content.loader import Content, get_content
from safeguarding.nlu.spacy_pipeline import pipeline_path

ROOT = Path(__file__).resolve().parent.parent
MODEL = Path(os.environ.get("SAFEGUARDING_MODEL", ROOT / "models" / "safeguarding.tar.gz"))


@pytest.fixture(scope="session")
def content() -> Content:
    return get_content()


@pytest.fixture(scope="session")
def nlp() -> spacy.language.Language:
    path = ROOT / pipeline_path()
    assert (path / "meta.json").exists(), f"{path} is missing: run `make spacy`"
    return spacy.load(path)


@pytest.fixture(scope="session")
def agent():
    from rasa.core.agent import Agent

    assert MODEL.exists(), f"{MODEL} is missing: run `make train`"
    return Agent.load(str(MODEL))


REPORTS = ("nlu-heldout", "sign-extractor", "danger-gate")


def pytest_sessionstart(session) -> None:
    """Remove the reports of an earlier run, so that the summary shows only this run's."""
    for name in REPORTS:
        (ROOT / "results" / f"{name}.json").unlink(missing_ok=True)


def _report(name: str) -> dict | None:
    """A results file written by this run's tests, if there is one."""
    import json

    path = ROOT / "results" / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the held-out NLU, warning-sign extractor and danger gate numbers at the end of the run."""
    write = terminalreporter.write_line
    if data := _report("nlu-heldout"):
        write(
            f"held-out NLU: {data['examples']} phrasings, intent macro F1 {data['macro_f1']:.3f}, "
            f"{len(data['errors'])} misclassified"
        )
    if data := _report("sign-extractor"):
        write(
            f"warning-sign extractor: {data['phrasings']} phrasings, precision {data['precision']:.3f}, "
            f"recall {data['recall']:.3f}, {len(data['misses'])} missed, "
            f"{len(data['false_positives'])} false positives"
        )
    if data := _report("danger-gate"):
        write(f"danger gate: {data['danger messages']} danger and {data['trap messages']} trap messages")
        for name, numbers in data["layers"].items():
            write(
                f"  {name}: danger recall {numbers['danger recall']:.3f}, "
                f"trap false-alarm rate {numbers['trap false-alarm rate']:.3f}"
            )
