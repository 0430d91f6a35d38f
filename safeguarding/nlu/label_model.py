"""A trained reader of what a parent's message names: which warning signs, which kind of service.

The warning-sign patterns (content/guidance.yml) and the service-request
patterns (content/requests.yml) know the words their authors thought of.
This model learns the same labels from examples written in many voices
(data/warning_signs/, data/service_requests/), so that "he's glued to that
thing till 3am" is ``always_on_phone`` although no pattern says "glued".

Each label has two heads, as the danger classifier has
(safeguarding/nlu/danger_model.py): a logistic regression over the
sentence embedding (meaning in new words) and one over TF-IDF word and
character n-grams (names, slang, misspellings); a label's probability is
their average. The labels are independent: a message may name several
warning signs, or none. Negative examples are those labelled ``[]`` and the
ordinary messages of the danger classifier's training data.

    python -m safeguarding.nlu.label_model data/warning_signs   # cross-validate
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Sequence

import numpy as np
import yaml

from safeguarding.content.loader import SafeLoader
from safeguarding.nlu.danger_model import (
    ROOT,
    SEED,
    fit_ngrams,
    ngram_matrix,
    vectorizer_arrays,
    vectorizers_from,
)

WEIGHTS_FILE = "label_model.npz"
META_FILE = "label_model.json"
# Inverse regularisation of the embedding head and of the n-gram head (cross-validated: --sweep).
C = 4.0
NGRAM_C = 10.0
FOLDS = 5
_NGRAM_SETTINGS: Dict[str, Dict[str, Any]] = {
    "words": {"ngram_range": (1, 2), "min_df": 2},
    "chars": {"analyzer": "char_wb", "ngram_range": (2, 4), "min_df": 2},
}


class Labelled(NamedTuple):
    """A training message and the labels it names (none for a negative example)."""

    text: str
    labels: List[str]


def load_labelled(directory: Path | str) -> List[Labelled]:
    """Every ``examples: [{text, labels}]`` entry of the YAML files in ``directory``."""
    examples: List[Labelled] = []
    for path in sorted(Path(directory).glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
        for i, item in enumerate(data.get("examples") or []):
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError(f"{path.name}: example {i + 1} needs a text")
            labels = item.get("labels") or []
            if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
                raise ValueError(f"{path.name}: example {i + 1}: labels must be a list of names")
            examples.append(Labelled(item["text"], list(labels)))
    if not examples:
        raise ValueError(f"no labelled examples in {directory}")
    return examples


def load_negatives(directory: Path | str, skip: Sequence[str] = ()) -> List[Labelled]:
    """The harmless messages of the danger classifier's training files, but for the categories in ``skip``."""
    examples: List[Labelled] = []
    for path in sorted(Path(directory).glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
        for category, texts in (data.get("harmless") or {}).items():
            if category not in skip:
                examples.extend(Labelled(str(text), []) for text in texts or [])
    return examples


def _logistic(x: Any, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=SEED)
    model.fit(x, y)
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class LabelModel:
    """P(label) for each label of a message: the average of an embedding head and an n-gram head."""

    def __init__(
        self,
        labels: List[str],
        weights: np.ndarray,
        bias: np.ndarray,
        vectorizers: Dict[str, Any],
        ngram_weights: np.ndarray,
        ngram_bias: np.ndarray,
        info: Dict[str, Any] | None = None,
    ) -> None:
        """A model from its parameters; use ``train`` or ``load``."""
        self.labels = list(labels)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.vectorizers = vectorizers
        self.ngram_weights = np.asarray(ngram_weights, dtype=np.float64)
        self.ngram_bias = np.asarray(ngram_bias, dtype=np.float64)
        self.info = info or {}

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[Sequence[str]],
        embeddings: np.ndarray,
        c: float = C,
        ngram_c: float = NGRAM_C,
    ) -> LabelModel:
        """One embedding head and one n-gram head per label, on all the messages."""
        names = sorted({label for found in labels for label in found})
        if not names:
            raise ValueError("training needs labelled messages")
        vectorizers, grams = fit_ngrams(_NGRAM_SETTINGS, texts)
        weights, bias, ngram_weights, ngram_bias = [], [], [], []
        for name in names:
            y = np.array([name in found for found in labels])
            w, b = _logistic(embeddings, y, c)
            weights.append(w)
            bias.append(b)
            w, b = _logistic(grams, y, ngram_c)
            ngram_weights.append(w)
            ngram_bias.append(b)
        info = {
            "c": c,
            "ngram_c": ngram_c,
            "messages": len(texts),
            "per_label": {name: sum(name in found for found in labels) for name in names},
        }
        return cls(
            names,
            np.array(weights),
            np.array(bias),
            vectorizers,
            np.array(ngram_weights),
            np.array(ngram_bias),
            info,
        )

    def probabilities(self, embeddings: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(n, labels): each text's probability of each label, given its embedding."""
        meaning = _sigmoid(np.asarray(embeddings, dtype=np.float64) @ self.weights.T + self.bias)
        grams = ngram_matrix(self.vectorizers, texts)
        words = _sigmoid(np.asarray(grams @ self.ngram_weights.T) + self.ngram_bias)
        return (meaning + words) / 2

    def save(self, directory: Path | str) -> None:
        """The parameters as numpy arrays (no pickle) and a JSON description."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        arrays: Dict[str, np.ndarray] = {
            "weights": self.weights,
            "bias": self.bias,
            "ngram_weights": self.ngram_weights,
            "ngram_bias": self.ngram_bias,
            **vectorizer_arrays(self.vectorizers),
        }
        np.savez(directory / WEIGHTS_FILE, **arrays)
        (directory / META_FILE).write_text(json.dumps({"labels": self.labels, **self.info}, indent=2))

    @classmethod
    def load(cls, directory: Path | str) -> LabelModel:
        """The model saved in ``directory``."""
        directory = Path(directory)
        meta = json.loads((directory / META_FILE).read_text())
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as arrays:
            vectorizers = vectorizers_from(arrays, _NGRAM_SETTINGS)
            model = cls(
                meta["labels"],
                arrays["weights"],
                arrays["bias"],
                vectorizers,
                arrays["ngram_weights"],
                arrays["ngram_bias"],
                {k: v for k, v in meta.items() if k != "labels"},
            )
        return model


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[Sequence[str]],
    embeddings: np.ndarray,
    folds: int = FOLDS,
    **kwargs: Any,
) -> np.ndarray:
    """Out-of-fold probabilities (n, labels) of the model trained on the other folds."""
    from sklearn.model_selection import KFold

    names = sorted({label for found in labels for label in found})
    out = np.zeros((len(texts), len(names)))
    for train, test in KFold(n_splits=folds, shuffle=True, random_state=SEED).split(texts):
        model = LabelModel.train(
            [texts[i] for i in train], [labels[i] for i in train], embeddings[train], **kwargs
        )
        columns = [names.index(label) for label in model.labels]
        out[np.ix_(test, columns)] = model.probabilities(embeddings[test], [texts[i] for i in test])
    return out


def _main() -> None:
    import argparse

    from safeguarding.nlu.encoder import get_encoder

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--negatives", type=Path, default=ROOT / "data" / "danger_classifier")
    parser.add_argument("--skip", nargs="*", default=[])
    args = parser.parse_args()
    examples = load_labelled(args.data) + load_negatives(args.negatives, args.skip)
    texts = [e.text for e in examples]
    labels = [e.labels for e in examples]
    embeddings = get_encoder().encode_batch(texts)
    probabilities = cross_validate(texts, labels, embeddings)
    names = sorted({label for found in labels for label in found})
    for threshold in (0.5, 0.6, 0.7, 0.8):
        found = probabilities >= threshold
        gold = np.array([[name in f for name in names] for f in labels])
        tp = int((found & gold).sum())
        print(
            f"threshold {threshold}: precision {tp / max(1, found.sum()):.3f} "
            f"recall {tp / max(1, gold.sum()):.3f} ({len(texts)} messages, {FOLDS}-fold)"
        )


if __name__ == "__main__":
    _main()
