"""Shared fixtures: the content files, the spaCy pipeline and the trained model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy

from safeguarding.content import Content, get_content
from safeguarding.spacy_pipeline import pipeline_path

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


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the held-out NLU numbers at the end of the run."""
    import json

    report = ROOT / "results" / "nlu-heldout.json"
    if report.exists():
        data = json.loads(report.read_text())
        terminalreporter.write_line(
            f"held-out NLU: {data['examples']} phrasings, intent macro F1 {data['macro_f1']:.3f}, "
            f"{len(data['errors'])} misclassified"
        )
    signs = ROOT / "results" / "sign-extractor.json"
    if signs.exists():
        data = json.loads(signs.read_text())
        terminalreporter.write_line(
            f"warning-sign extractor: {data['phrasings']} phrasings, precision {data['precision']:.3f}, "
            f"recall {data['recall']:.3f}, {len(data['misses'])} missed, "
            f"{len(data['false_positives'])} false positives"
        )
    gate = ROOT / "results" / "danger-gate.json"
    if gate.exists():
        data = json.loads(gate.read_text())
        terminalreporter.write_line(
            f"danger gate: {data['danger messages']} danger and {data['trap messages']} trap messages"
        )
        for name, numbers in data["layers"].items():
            terminalreporter.write_line(
                f"  {name}: danger recall {numbers['danger recall']:.3f}, "
                f"trap false-alarm rate {numbers['trap false-alarm rate']:.3f}"
            )
