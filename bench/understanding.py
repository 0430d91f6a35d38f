"""Understanding: the trained pipeline against a keyword matcher and TF-IDF with logistic regression.

All three learn from data/nlu (the keyword matcher also has its own
danger word list, bench/keywords.py, independent of the assistant's
lexicon). A fourth system, TF-IDF with logistic regression trained on the
danger classifier's own data (data/danger_classifier), answers only
"danger or not". Each is scored on every tier apart: the dev tier (tuned
on: a fit), the frozen tier (never tuned on) and each blind batch.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Dict, List, Tuple

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.pipeline import FeatureUnion, make_pipeline

from bench.common import MODEL, PYTHON, ROOT, SEED, environment
from bench.sets import (
    BLIND,
    blind_batches,
    blind_messages,
    danger_messages,
    harmless_messages,
    intent_examples,
)

Classify = Callable[[List[str]], List[str]]
FALSE_ALARMS = ("danger", "confront")
FALLBACK = "nlu_fallback"


def _examples(path: Path) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


def _blind_intents(batch: str) -> List[Tuple[str, str]]:
    import yaml

    data = yaml.safe_load((BLIND / f"{batch}_intents.yml").read_text(encoding="utf-8"))
    return [(m["text"], m["intent"]) for m in data["messages"]]


def _tiers() -> Dict[str, Dict[str, list]]:
    """Each tier's held-out intents, danger messages and harmless (trap) messages."""
    tiers: Dict[str, Dict[str, list]] = {}
    for tier in ("dev", "frozen"):
        tiers[tier] = {
            "held_out": intent_examples(tier),
            "danger": [m.text for m in danger_messages(tier)],
            "trap": [m.text for m in harmless_messages(tier)],
        }
    for batch in blind_batches():
        messages = blind_messages(batch)
        tiers[batch] = {
            "held_out": _blind_intents(batch),
            "danger": [m.text for m in messages if m.danger],
            "trap": [m.text for m in messages if not m.danger],
        }
    return tiers


# --- the systems ---------------------------------------------------------------------------------


def assistant_classifier() -> Classify:
    """The trained model, as the tests load it."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))

    def classify(texts: List[str]) -> List[str]:
        async def parse_all() -> List[str]:
            return [(await agent.parse_message(text))["intent"]["name"] for text in texts]

        return asyncio.run(parse_all())

    return classify


_WORD = re.compile(r"[a-z0-9']+")


def keyword_classifier(train: List[Tuple[str, str]]) -> Classify:
    """Keywords only: an independent danger word list (bench/keywords.py), then one intent's words.

    Danger and confront come from the benchmark's own small word lists,
    not from the assistant's lexicon, so this is a real baseline for the
    rule detector; a topic keyword of content/guidance.yml counts for
    ask_topic; every other word that occurs in the training examples of
    exactly one intent is a keyword of that intent. The intent with the
    most keywords in a message wins; with none, nlu_fallback.
    """
    from bench.keywords import keyword_intent
    from safeguarding.content.loader import get_content

    content = get_content()
    owners: Dict[str, set] = defaultdict(set)
    for text, intent in train:
        for word in set(_WORD.findall(text.lower())):
            owners[word].add(intent)
    keywords = {word: next(iter(intents)) for word, intents in owners.items() if len(intents) == 1}
    topic_words = {
        word
        for topic in content.guidance["topics"].values()
        for keyword in topic.get("keywords", [])
        for word in _WORD.findall(re.sub(r"\{[^}]*\}", " ", str(keyword).lower()))
    }

    def one(text: str) -> str:
        found = keyword_intent(text)
        if found:
            return found
        votes: Counter = Counter()
        for word in _WORD.findall(text.lower()):
            if word in keywords:
                votes[keywords[word]] += 1
            if word in topic_words:
                votes["ask_topic"] += 1
        return votes.most_common(1)[0][0] if votes else FALLBACK

    return lambda texts: [one(text) for text in texts]


def tfidf_classifier(train: List[Tuple[str, str]]) -> Classify:
    """TF-IDF of words (1-2) and characters (2-4) with logistic regression, trained on data/nlu."""
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
        ]
    )
    model = make_pipeline(features, LogisticRegression(C=10, max_iter=3000, random_state=SEED))
    texts, intents = zip(*train, strict=True)
    model.fit(list(texts), list(intents))
    return lambda texts: list(model.predict(texts))


def ngram_danger_classifier() -> Classify:
    """The danger classifier's n-gram head alone (NgramHead) on data/danger_classifier: danger or not."""
    from safeguarding.nlu.danger_model import NgramHead, load_training

    examples = load_training()
    head = NgramHead.train([e.text for e in examples], [e.danger for e in examples])
    return lambda texts: ["danger" if p >= 0.5 else "other" for p in head.probability(texts)]


# --- scoring -------------------------------------------------------------------------------------------


def _rate(flags: List[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def score(classify: Classify, sets: Dict[str, list], intents: bool = True) -> Dict[str, object]:
    """Macro and per-intent F1 on the tier's intents (if ``intents``), danger recall and false-alarm rate."""
    scored: Dict[str, object] = {}
    if intents:
        held_out = sets["held_out"]
        gold = [intent for _, intent in held_out]
        predicted = classify([text for text, _ in held_out])
        labels = sorted(set(gold))  # a prediction outside them (nlu_fallback) still costs recall
        report = classification_report(gold, predicted, labels=labels, output_dict=True, zero_division=0)
        scored.update(
            macro_f1=round(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0), 4),
            per_intent_f1={intent: round(report[intent]["f1-score"], 3) for intent in labels},
            _gold=gold,
            _predicted=predicted,
        )
    danger = classify(sets["danger"])
    traps = classify(sets["trap"])
    scored.update(
        danger_recall=_rate([p == "danger" for p in danger]),
        trap_false_alarm_rate=_rate([p in FALSE_ALARMS for p in traps]),
        danger_missed=[t for t, p in zip(sets["danger"], danger, strict=True) if p != "danger"],
        trap_alarms=[t for t, p in zip(sets["trap"], traps, strict=True) if p in FALSE_ALARMS],
    )
    return scored


def plot_confusion(gold: List[str], predicted: List[str], path: Path, title: str) -> None:
    """A confusion matrix of the intents (rows: true, columns: predicted) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = sorted(set(gold) | set(predicted))
    matrix = confusion_matrix(gold, predicted, labels=labels)
    figure, axes = plt.subplots(figsize=(11, 9.5))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=70, ha="right", fontsize=8)
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                colour = "white" if matrix[i, j] > matrix.max() / 2 else "black"
                axes.text(j, i, matrix[i, j], ha="center", va="center", fontsize=7, color=colour)
    axes.set_xlabel("predicted intent")
    axes.set_ylabel("true intent")
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


# Rasa shuffles the examples into folds with NumPy's global random generator and
# no seed: seeding it first makes every run split (and score) the same way.
SEEDED_RASA = (
    "import sys, numpy; numpy.random.seed(int(sys.argv.pop(1))); from rasa.__main__ import main; main()"
)


def cross_validation(folds: int = 5) -> Dict[str, object]:
    """`rasa test nlu --cross-validation` of data/nlu with the assistant's pipeline: its test-fold F1."""
    with tempfile.TemporaryDirectory(prefix="safeguarding-cv-") as out:
        args = [PYTHON, "-c", SEEDED_RASA, str(SEED), "test", "nlu", "--cross-validation"]
        args += ["--folds", str(folds), "--nlu", "data/nlu"]
        args += ["--config", "config.yml", "--out", out, "--no-plot"]
        log = Path(out) / "cv.log"
        with log.open("w") as handle:
            done = subprocess.run(args, cwd=ROOT, env=environment(), stdout=handle, stderr=subprocess.STDOUT)
        if done.returncode:
            raise RuntimeError(f"cross-validation failed:\n{log.read_text()[-3000:]}")
        report = json.loads((Path(out) / "intent_report.json").read_text())
    per_intent = {
        k: round(v["f1-score"], 3) for k, v in report.items() if isinstance(v, dict) and "support" in v
    }
    per_intent = {k: v for k, v in per_intent.items() if k not in ("macro avg", "weighted avg", "micro avg")}
    return {
        "folds": folds,
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "weighted_f1": round(report["weighted avg"]["f1-score"], 4),
        "accuracy": round(report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0.0)), 4),
        "per_intent_f1": per_intent,
    }


def run(with_cv: bool = True) -> Dict[str, object]:
    """Score the systems on every tier; draw the frozen tier confusion matrix; cross-validate."""
    tiers = _tiers()
    train = _examples(ROOT / "data" / "nlu")
    systems = {
        "assistant": (assistant_classifier(), True),
        "keywords": (keyword_classifier(train), True),
        "tfidf_logreg": (tfidf_classifier(train), True),
        "ngram_danger": (ngram_danger_classifier(), False),
    }
    results: Dict[str, object] = {
        "train": len(train),
        "sizes": {tier: {part: len(values) for part, values in sets.items()} for tier, sets in tiers.items()},
        "tiers": {},
    }
    for tier, sets in tiers.items():
        scores: Dict[str, object] = {}
        for name, (classify, intents) in systems.items():
            scored = score(classify, sets, intents)
            gold, predicted = scored.pop("_gold", None), scored.pop("_predicted", None)
            if name == "assistant" and tier == "frozen":
                title = f"Assistant, frozen-tier intents (macro F1 {scored['macro_f1']:.3f})"
                plot_confusion(gold, predicted, ROOT / "bench" / "confusion_matrix.png", title)
            scores[name] = scored
            print(
                f"{tier} {name}: macro F1 {scored.get('macro_f1', '-')}, danger recall "
                f"{scored['danger_recall']}, trap FA {scored['trap_false_alarm_rate']}",
                flush=True,
            )
        results["tiers"][tier] = scores  # type: ignore[index]
    if with_cv:
        results["cross_validation"] = cross_validation()
        print(f"cross-validation: {results['cross_validation']['macro_f1']}", flush=True)
    return results


if __name__ == "__main__":
    print(json.dumps(run(with_cv=False), indent=2)[:3000])
