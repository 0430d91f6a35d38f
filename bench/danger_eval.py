"""Danger recall and false alarms of the trained danger layers on labelled message files.

Compares, on the same messages:
- the encoder classifier (safeguarding/danger_model.py: sentence embeddings + trained head),
- an independent baseline: TF-IDF word and character n-grams with logistic regression, trained on
  the SAME training data (data/danger_classifier/) with its threshold chosen by the same
  cross-validation rule,
- if a trained Rasa model exists: DIET's own intent (before the lexicon overrides it), the
  lexicon, the final intent (DIET + lexicon), and that or the encoder classifier. The encoder
  classifier is then the one trained inside the model (unless --encoder-model names another).

Input files (YAML), in any of these shapes:
  tests/sets/danger_*.yml   kinds: {kind: [text]} and conversations: [[turn, ...]] (the last turn counts)
  tests/sets/harmless_*.yml   messages: [text]
  labelled               messages: [{text: ..., danger: true|false}]
A file given with --danger counts every message as danger, with --harmless as harmless;
--labelled reads each message's label.

    python -m bench.danger_eval \
        --danger tests/sets/danger_frozen.yml --harmless tests/sets/harmless_frozen.yml
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "safeguarding.tar.gz"
REPORT = ROOT / "results" / "danger-eval.json"
Flags = Callable[[List[str]], List[bool]]


def read_messages(path: Path, label: bool | None = None) -> List[Tuple[str, bool]]:
    """The (text, is danger) pairs of a file; ``label`` for files whose messages are all one label."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    out: List[Tuple[str, bool]] = []
    for texts in (data.get("kinds") or {}).values():
        out += [(str(t), True if label is None else label) for t in texts]
    for turns in data.get("conversations") or []:
        out.append((str(turns[-1]), True if label is None else label))
    for item in data.get("messages") or []:
        if isinstance(item, dict):
            out.append((str(item["text"]), bool(item["danger"]) if label is None else label))
        else:
            if label is None:
                raise ValueError(
                    f"{path}: unlabelled message {item!r}; give the file with --danger or --harmless"
                )
            out.append((str(item), label))
    return out


def _rates(flags: Sequence[bool], labels: Sequence[bool]) -> Dict[str, object]:
    flags, labels = np.asarray(flags, bool), np.asarray(labels, bool)
    danger, harmless = flags[labels], flags[~labels]
    return {
        "danger recall": round(float(danger.mean()), 4) if len(danger) else None,
        "false-alarm rate": round(float(harmless.mean()), 4) if len(harmless) else None,
        "missed": int((~danger).sum()),
        "false alarms": int(harmless.sum()),
    }


def encoder_classifier(model_dir: Path | None = None) -> Flags:
    """The encoder classifier, loaded from ``model_dir`` or trained on data/danger_classifier/."""
    from safeguarding.nlu.danger_model import DangerModel, train_from_directory
    from safeguarding.nlu.encoder import get_encoder

    model = DangerModel.load(model_dir) if model_dir else train_from_directory()

    def flags(texts: List[str]) -> List[bool]:
        probabilities = model.probability(get_encoder().encode_batch(texts))
        return [bool(p >= model.threshold) for p in probabilities]

    return flags


def ngram_baseline() -> Flags:
    """TF-IDF word 1-2 grams and character 2-5 grams, logistic regression; threshold by the same CV rule."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import FeatureUnion, make_pipeline

    from safeguarding.nlu.danger_model import FOLDS, SEED, TARGET_RECALL, choose_threshold, load_training

    examples = load_training()
    texts = [e.text for e in examples]
    y = np.array([e.danger for e in examples])

    def make() -> object:
        features = FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)),
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ]
        )
        head = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000, random_state=SEED)
        return make_pipeline(features, head)

    out_of_fold = np.zeros(len(y))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(texts, y):
        model = make().fit([texts[i] for i in train], y[train])
        out_of_fold[test] = model.predict_proba([texts[i] for i in test])[:, 1]
    threshold = choose_threshold(out_of_fold, y, TARGET_RECALL)
    model = make().fit(texts, y)

    def flags(batch: List[str]) -> List[bool]:
        return [bool(p >= threshold) for p in model.predict_proba(batch)[:, 1]]

    flags.threshold = threshold  # type: ignore[attr-defined]
    return flags


def rasa_layers(model_path: Path) -> Dict[str, Flags]:
    """DIET alone, the lexicon alone, both (the final intent), and the encoder classifier in the model."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    cache: Dict[str, dict] = {}

    def parsed(texts: List[str]) -> List[dict]:
        async def parse_all() -> None:
            for text in texts:
                if text not in cache:
                    cache[text] = await agent.parse_message(text)

        asyncio.run(parse_all())
        return [cache[t] for t in texts]

    layers: Dict[str, Flags] = {
        "DIET intent alone": lambda t: [p["danger"]["classifier_intent"] == "danger" for p in parsed(t)],
        "lexicon alone": lambda t: [bool(p["danger"]["kinds"]) for p in parsed(t)],
        "final intent (DIET + lexicon)": lambda t: [p["intent"]["name"] == "danger" for p in parsed(t)],
    }
    probe = parsed(["hello"])[0]
    if "danger_model" in probe:
        layers["danger classifier in the model"] = lambda t: [
            bool(p["danger"].get("encoder")) for p in parsed(t)
        ]
        layers["final intent or danger classifier"] = lambda t: [
            p["intent"]["name"] == "danger" or bool(p["danger"].get("encoder")) for p in parsed(t)
        ]
    return layers


def evaluate(
    messages: List[Tuple[str, bool]], systems: Dict[str, Flags], show_errors: int = 0
) -> Dict[str, Dict[str, object]]:
    """Recall and false-alarm rate of each system on the (text, is danger) messages."""
    texts = [t for t, _ in messages]
    labels = [d for _, d in messages]
    report = {}
    for name, flags in systems.items():
        found = flags(texts)
        report[name] = _rates(found, labels)
        if show_errors:
            report[name]["errors"] = [t for t, f, d in zip(texts, found, labels, strict=True) if f != d][
                :show_errors
            ]
    return report


def main() -> None:
    """Read the files, run every system, print the table and write results/danger-eval.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--danger", type=Path, action="append", default=[], help="a file of danger messages")
    parser.add_argument("--harmless", type=Path, action="append", default=[], help="a file of harmless ones")
    parser.add_argument("--labelled", type=Path, action="append", default=[], help="a file of labelled ones")
    parser.add_argument("--encoder-model", type=Path, help="a saved DangerModel folder (else trained now)")
    parser.add_argument("--rasa-model", type=Path, default=MODEL, help="a trained Rasa model, if any")
    parser.add_argument("--errors", type=int, default=0, help="list up to this many errors per system")
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args()

    messages: List[Tuple[str, bool]] = []
    for path in args.danger:
        messages += read_messages(path, True)
    for path in args.harmless:
        messages += read_messages(path, False)
    for path in args.labelled:
        messages += read_messages(path)
    if not messages:
        parser.error("give at least one file")

    layers = rasa_layers(args.rasa_model) if args.rasa_model and args.rasa_model.exists() else {}
    # The encoder classifier alone: the one trained inside the Rasa model, else a saved or new one.
    in_model = layers.pop("encoder classifier in the model", None)
    if args.encoder_model or in_model is None:
        in_model = encoder_classifier(args.encoder_model)
    systems: Dict[str, Flags] = {"encoder classifier": in_model, "TF-IDF n-gram baseline": ngram_baseline()}
    systems.update(layers)
    report = {
        "danger messages": sum(d for _, d in messages),
        "harmless messages": sum(not d for _, d in messages),
        "systems": evaluate(messages, systems, args.errors),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"{report['danger messages']} danger and {report['harmless messages']} harmless messages")
    print(f"{'system':40} {'recall':>8} {'false alarms':>13}")
    for name, numbers in report["systems"].items():
        recall, alarms = numbers["danger recall"], numbers["false-alarm rate"]
        recall, alarms = ("-" if v is None else v for v in (recall, alarms))
        print(f"{name:40} {recall:>8} {alarms:>13}")
        for text in numbers.get("errors", []):
            print(f"    {text}")


if __name__ == "__main__":
    main()
