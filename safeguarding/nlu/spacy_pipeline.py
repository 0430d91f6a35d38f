"""Build the assistant's own small English spaCy pipeline.

Pretrained pipelines cannot be downloaded everywhere, so the assistant ships
its own: a blank English tokenizer plus the lookup lemmatizer from
spacy-lookups-data. Rasa fingerprints a spaCy pipeline by its name only, so
the folder and the pipeline name carry ``PIPELINE_VERSION``: bump it whenever
this build changes, and every model trained on the old pipeline is retrained.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import spacy

PIPELINE_VERSION = "1"
PIPELINE_NAME = f"safeguarding_v{PIPELINE_VERSION}"
DEFAULT_DIR = Path("build") / "spacy"


def pipeline_path(root: Path = DEFAULT_DIR) -> Path:
    """Return the folder the current pipeline version is saved in."""
    return root / f"en_{PIPELINE_NAME}"


def build_pipeline() -> spacy.language.Language:
    """Return a blank English pipeline with the lookup lemmatizer initialised."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = f"{PIPELINE_VERSION}.0.0"
    nlp.meta["description"] = "Blank English tokenizer with the lookup lemmatizer."
    return nlp


def main(argv: list[str] | None = None) -> int:
    """Build the pipeline into its versioned folder unless it is already there."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--print-path", action="store_true", help="print the folder and exit")
    args = parser.parse_args(argv)
    target = pipeline_path(args.root)
    if args.print_path:
        print(target)
        return 0
    if (target / "meta.json").exists():
        print(f"spaCy pipeline up to date: {target}")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(target)
    print(f"spaCy pipeline built: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
