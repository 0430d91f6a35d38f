"""The trained danger classifier: a message's sentence embedding in, the probability of danger out.

An independent layer beside the danger lexicon (content/danger.yml) and the
trained ``danger`` intent: a support vector machine with an RBF kernel over
the 384-number embedding of safeguarding/encoder.py, with Platt-scaled
probabilities, trained on data/danger_classifier/ (danger messages by kind,
harmless messages that share their words). A logistic regression over the
danger messages names the likely kind. The threshold is chosen by
cross-validation on the training data alone: the highest one whose
out-of-fold danger recall reaches ``target_recall``. (A linear head on the
same embeddings raised about ten times as many false alarms at that recall:
negations, hypotheticals and warning signs sit close to danger.)

A second head reads the message's own words (``NgramHead``: TF-IDF of word
and character n-grams, logistic regression) on the same training messages.
The classifier in the pipeline averages the two heads' probabilities: on
the dev tier and the older blind batches the average raised full escalation
and lowered false alarms against either head alone.

    python -m safeguarding.nlu.danger_model --out build/danger_model   # train, cross-validate, save
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Sequence, Tuple

import numpy as np
import yaml

from safeguarding.content.loader import SafeLoader

ROOT = Path(__file__).resolve().parents[2]
TRAINING_DIR = ROOT / "data" / "danger_classifier"
WEIGHTS_FILE = "danger_model.npz"
META_FILE = "danger_model.json"
SEED = 42
# Inverse regularisation strength of the danger head (chosen by cross-validation: --sweep) and the kind head.
C = 4.0
KIND_C = 16.0
TARGET_RECALL = 0.98
FOLDS = 5


class Example(NamedTuple):
    """A training message: its text, whether a child is in danger, and the kind of danger (or category)."""

    text: str
    danger: bool
    kind: str


class DangerScore(NamedTuple):
    """What the classifier says about one message."""

    probability: float
    kind: str | None
    is_danger: bool


def load_training(directory: Path | str = TRAINING_DIR) -> List[Example]:
    """Every message of the YAML files in ``directory``.

    Each file has ``danger: {kind: [text, ...]}`` and ``harmless: {category: [text, ...]}``.
    """
    examples: List[Example] = []
    for path in sorted(Path(directory).glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
        for group, danger in (("danger", True), ("harmless", False)):
            for kind, texts in (data.get(group) or {}).items():
                examples.extend(Example(str(text), danger, kind) for text in texts or [])
    if not examples:
        raise ValueError(f"no training messages in {directory}")
    return examples


def _fit_binary(x: np.ndarray, y: np.ndarray, c: float) -> Dict[str, np.ndarray]:
    """An RBF support vector machine with Platt scaling: its support vectors and coefficients."""
    from sklearn.svm import SVC

    model = SVC(
        C=c, kernel="rbf", gamma="scale", probability=True, class_weight="balanced", random_state=SEED
    )
    model.fit(x.astype(np.float64), y)
    return {
        "support_vectors": model.support_vectors_.astype(np.float32),
        "dual_coef": model.dual_coef_[0].astype(np.float32),
        "head": np.array([model.intercept_[0], model._gamma, model.probA_[0], model.probB_[0]]),
    }


def _danger_probability(head: Dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """P(danger) of each row of x (or of one vector) under an RBF SVM head."""
    intercept, gamma, a, b = (float(v) for v in head["head"])
    x = np.asarray(x, dtype=np.float32)
    vectors = head["support_vectors"]
    distances = (
        (x * x).sum(axis=-1, keepdims=x.ndim > 1) + (vectors * vectors).sum(axis=1) - 2.0 * (x @ vectors.T)
    )
    decision = np.exp(-gamma * np.maximum(distances, 0.0)) @ head["dual_coef"] + intercept
    return 1.0 / (1.0 + np.exp(a * decision - b))


def _fit_kinds(x: np.ndarray, kinds: Sequence[str], c: float) -> Tuple[List[str], np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    names = sorted(set(kinds))
    if len(names) == 1:
        return names, np.zeros((1, x.shape[1]), np.float32), np.zeros(1, np.float32)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED)
    model.fit(x, [names.index(k) for k in kinds])
    coef, intercept = model.coef_, model.intercept_
    if len(names) == 2:  # sklearn keeps one row for two classes
        coef, intercept = np.vstack([-coef, coef]), np.array([-intercept[0], intercept[0]])
    return names, coef.astype(np.float32), intercept.astype(np.float32)


@dataclass
class CrossValidation:
    """Out-of-fold figures on the training data, at the chosen threshold."""

    threshold: float
    danger_recall: float
    false_alarm_rate: float
    kind_accuracy: float
    danger_messages: int
    harmless_messages: int
    folds: int

    def as_dict(self) -> Dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def choose_threshold(probabilities: np.ndarray, labels: np.ndarray, target_recall: float) -> float:
    """The highest threshold that at least ``target_recall`` of the danger messages reach."""
    danger = np.sort(probabilities[labels])
    allowed_misses = int(np.floor((1.0 - target_recall) * len(danger)))
    return float(danger[allowed_misses])


def cross_validate(
    embeddings: np.ndarray,
    labels: Sequence[bool] | np.ndarray,
    kinds: Sequence[str],
    c: float = C,
    folds: int = FOLDS,
    target_recall: float = TARGET_RECALL,
) -> Tuple[CrossValidation, np.ndarray]:
    """Stratified k-fold: the threshold reaching ``target_recall`` out of fold, and the out-of-fold scores."""
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(labels, dtype=bool)
    out_of_fold = np.zeros(len(y))
    kind_right = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for train, test in splitter.split(embeddings, y):
        head = _fit_binary(embeddings[train], y[train], c)
        out_of_fold[test] = _danger_probability(head, embeddings[test])
        danger_train = train[y[train]]
        names, kw, kb = _fit_kinds(embeddings[danger_train], [kinds[i] for i in danger_train], KIND_C)
        for i in test[y[test]]:
            kind_right.append(names[int(np.argmax(embeddings[i] @ kw.T + kb))] == kinds[i])
    threshold = choose_threshold(out_of_fold, y, target_recall)
    flagged = out_of_fold >= threshold
    figures = CrossValidation(
        threshold=threshold,
        danger_recall=float(flagged[y].mean()),
        false_alarm_rate=float(flagged[~y].mean()),
        kind_accuracy=float(np.mean(kind_right)) if kind_right else 0.0,
        danger_messages=int(y.sum()),
        harmless_messages=int((~y).sum()),
        folds=folds,
    )
    return figures, out_of_fold


class DangerModel:
    """Danger or not from the embedding (RBF SVM) and from the words (``NgramHead``); the kind (embedding)."""

    def __init__(
        self,
        head: Dict[str, np.ndarray],
        threshold: float,
        kinds: List[str],
        kind_weights: np.ndarray,
        kind_bias: np.ndarray,
        info: Dict[str, Any] | None = None,
        ngrams: NgramHead | None = None,
    ) -> None:
        """A model from its parameters; use ``train`` or ``load``."""
        self.head = head
        self.ngrams = ngrams
        self.threshold = float(threshold)
        self.kinds = list(kinds)
        self.kind_weights = np.asarray(kind_weights, dtype=np.float32)
        self.kind_bias = np.asarray(kind_bias, dtype=np.float32)
        self.info = info or {}

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[bool],
        kinds: Sequence[str] | None = None,
        embeddings: np.ndarray | None = None,
        c: float = C,
        target_recall: float = TARGET_RECALL,
        folds: int = FOLDS,
    ) -> DangerModel:
        """Train both heads on all the messages, with the threshold chosen by cross-validation.

        ``labels``: True for danger. ``kinds``: the kind of each message (only
        the danger ones' are used); without them every danger message is "danger".
        ``embeddings``: the messages' embeddings if already computed.
        """
        if embeddings is None:
            from safeguarding.nlu.encoder import get_encoder

            embeddings = get_encoder().encode_batch(texts)
        y = np.asarray(labels, dtype=bool)
        if y.all() or not y.any():
            raise ValueError("training needs both danger and harmless messages")
        kinds = list(kinds) if kinds is not None else ["danger" if label else "" for label in y]
        figures, _ = cross_validate(embeddings, y, kinds, c=c, folds=folds, target_recall=target_recall)
        head = _fit_binary(embeddings, y, c)
        names, kind_weights, kind_bias = _fit_kinds(
            embeddings[y], [k for k, d in zip(kinds, y, strict=True) if d], KIND_C
        )
        info = {
            "c": c,
            "target_recall": target_recall,
            "support_vectors": int(len(head["support_vectors"])),
            "cross_validation": figures.as_dict(),
        }
        ngrams = NgramHead.train(texts, list(y))
        return cls(head, figures.threshold, names, kind_weights, kind_bias, info, ngrams)

    def probability(self, embeddings: np.ndarray) -> np.ndarray:
        """The danger probability of each embedding ((n, 384) in, (n,) out), or of one ((384,) in)."""
        return _danger_probability(self.head, embeddings)

    def ngram_probability(self, texts: Sequence[str]) -> np.ndarray:
        """The n-gram head's danger probability of each text (zeros without one)."""
        if self.ngrams is None:
            return np.zeros(len(texts))
        return self.ngrams.probability(texts)

    def kind(self, embedding: np.ndarray) -> str:
        """The likely kind of danger of one embedding."""
        return self.kinds[int(np.argmax(self.kind_weights @ embedding + self.kind_bias))]

    def score(self, embedding: np.ndarray) -> DangerScore:
        """One message's danger probability, its likely kind, and whether it reaches the threshold."""
        probability = float(self.probability(embedding))
        return DangerScore(probability, self.kind(embedding), probability >= self.threshold)

    def save(self, directory: Path | str) -> None:
        """Write the parameters (numpy arrays, no pickle) and a JSON description to ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(
            directory / WEIGHTS_FILE,
            **self.head,
            kind_weights=self.kind_weights,
            kind_bias=self.kind_bias,
        )
        meta = {"threshold": self.threshold, "kinds": self.kinds, **self.info}
        (directory / META_FILE).write_text(json.dumps(meta, indent=2))
        if self.ngrams is not None:
            self.ngrams.save(directory / NGRAM_FILE)

    @classmethod
    def load(cls, directory: Path | str) -> DangerModel:
        """The model saved in ``directory``."""
        directory = Path(directory)
        meta = json.loads((directory / META_FILE).read_text())
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as arrays:
            head = {name: arrays[name] for name in ("support_vectors", "dual_coef", "head")}
            kind_weights, kind_bias = arrays["kind_weights"], arrays["kind_bias"]
        info = {k: v for k, v in meta.items() if k not in ("threshold", "kinds")}
        ngrams = NgramHead.load(directory / NGRAM_FILE) if (directory / NGRAM_FILE).exists() else None
        return cls(head, meta["threshold"], meta["kinds"], kind_weights, kind_bias, info, ngrams)


# --- the n-gram head -----------------------------------------------------------------------------------

NGRAM_FILE = "danger_ngrams.npz"
NGRAM_C = 10.0
# Word unigrams and bigrams, and character 2-4-grams within words: spelling slips and text-speak
# ("hes", "rn", "pls") share most of their character n-grams with the word meant.
_NGRAM_SETTINGS: Dict[str, Dict[str, Any]] = {
    "words": {"ngram_range": (1, 2)},
    "chars": {"analyzer": "char_wb", "ngram_range": (2, 4)},
}


def _tfidf(setting: Dict[str, Any], **fitted: Any) -> Any:
    """A TF-IDF vectorizer with sublinear term frequency and ``setting`` (and a fitted vocabulary)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, **setting, **fitted)


def fit_ngrams(settings: Dict[str, Dict[str, Any]], texts: Sequence[str]) -> Tuple[Dict[str, Any], Any]:
    """One TF-IDF vectorizer per entry of ``settings``, fitted on ``texts``, and the texts' n-gram matrix."""
    from scipy.sparse import hstack

    vectorizers = {name: _tfidf(setting) for name, setting in settings.items()}
    return vectorizers, hstack([v.fit_transform(texts) for v in vectorizers.values()]).tocsr()


def ngram_matrix(vectorizers: Dict[str, Any], texts: Sequence[str]) -> Any:
    """The texts' n-gram matrix (sparse, one row a text) under fitted vectorizers."""
    from scipy.sparse import hstack

    return hstack([v.transform(texts) for v in vectorizers.values()]).tocsr()


def vectorizer_arrays(vectorizers: Dict[str, Any]) -> Dict[str, np.ndarray]:
    """Fitted TF-IDF vectorizers as numpy arrays (vocabulary in column order, idf), without pickle."""
    arrays: Dict[str, np.ndarray] = {}
    for name, vectorizer in vectorizers.items():
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        arrays[f"{name}_terms"] = np.array(terms, dtype=str)
        arrays[f"{name}_idf"] = vectorizer.idf_
    return arrays


def vectorizers_from(arrays: Any, settings: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    """The TF-IDF vectorizers ``vectorizer_arrays`` stored, each with its ``settings``."""
    vectorizers = {}
    for name, setting in settings.items():
        terms = arrays[f"{name}_terms"].tolist()
        vectorizer = _tfidf(setting, vocabulary={t: i for i, t in enumerate(terms)})
        vectorizer.idf_ = arrays[f"{name}_idf"]
        vectorizers[name] = vectorizer
    return vectorizers


class NgramHead:
    """P(danger) from the message's own words: TF-IDF of word and character n-grams, logistic regression.

    It sees the words the encoder blurs (a name of a weapon, a drug term,
    text-speak) and misses what the encoder sees (meaning in new words);
    the classifier averages the two. Stored as arrays, without pickle.
    """

    def __init__(self, vectorizers: Dict[str, Any], weights: np.ndarray, bias: float) -> None:
        """A head from its fitted vectorizers and weights; use ``train`` or ``load``."""
        self.vectorizers = vectorizers
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = float(bias)

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[bool], c: float = NGRAM_C) -> NgramHead:
        """Fit the vectorizers and the regression on all the messages."""
        from sklearn.linear_model import LogisticRegression

        vectorizers, x = fit_ngrams(_NGRAM_SETTINGS, texts)
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=SEED)
        model.fit(x, np.asarray(labels, dtype=bool))
        return cls(vectorizers, model.coef_[0], float(model.intercept_[0]))

    def probability(self, texts: Sequence[str]) -> np.ndarray:
        """P(danger) of each text."""
        x = ngram_matrix(self.vectorizers, texts)
        return 1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias)))

    def save(self, path: Path) -> None:
        """The vocabularies, inverse document frequencies and weights, as numpy arrays."""
        np.savez(
            path, weights=self.weights, bias=np.array([self.bias]), **vectorizer_arrays(self.vectorizers)
        )

    @classmethod
    def load(cls, path: Path) -> NgramHead:
        """The head saved at ``path``."""
        with np.load(path, allow_pickle=False) as arrays:
            vectorizers = vectorizers_from(arrays, _NGRAM_SETTINGS)
            return cls(vectorizers, arrays["weights"], float(arrays["bias"][0]))


def train_from_directory(directory: Path | str = TRAINING_DIR, **kwargs: Any) -> DangerModel:
    """A model trained on the messages in ``directory``."""
    examples = load_training(directory)
    return DangerModel.train(
        [e.text for e in examples], [e.danger for e in examples], [e.kind for e in examples], **kwargs
    )


def _main() -> None:
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=TRAINING_DIR)
    parser.add_argument("--out", type=Path, help="save the trained model here")
    parser.add_argument("--sweep", action="store_true", help="cross-validate several C values and stop")
    args = parser.parse_args()
    from safeguarding.nlu.encoder import get_encoder

    examples = load_training(args.data)
    start = time.perf_counter()
    embeddings = get_encoder().encode_batch([e.text for e in examples])
    print(f"{len(examples)} messages embedded in {time.perf_counter() - start:.1f} s")
    labels = [e.danger for e in examples]
    kinds = [e.kind for e in examples]
    if args.sweep:
        for c in (1.0, 4.0, 16.0):
            figures, _ = cross_validate(embeddings, labels, kinds, c=c)
            print(f"C={c}: {figures.as_dict()}")
        return
    model = DangerModel.train([e.text for e in examples], labels, kinds, embeddings=embeddings)
    print(json.dumps(model.info, indent=2))
    if args.out:
        model.save(args.out)
        print(f"saved to {args.out}")


if __name__ == "__main__":
    _main()
