"""Rasa components of the sentence encoder: dense features for DIET, danger classifier, learned reader.

``SentenceEncoderFeaturizer`` embeds every message once with
all-MiniLM-L6-v2 (safeguarding/encoder.py), adds the 384-number embedding as
sentence-level dense features (DIET reads them beside the sparse ones) unless
``dense_features: false``, and keeps the embedding on the message for the
components after it, with the embeddings of the message's passages when it
has more than one sentence (safeguarding/nlu/passages.py), all in one pass.

``DangerClassifier`` trains the danger head of safeguarding/danger_model.py
on data/danger_classifier/ during ``rasa train``, keeps it in the model, and
adds ``danger_model: {probability, kind, threshold, danger}`` to every parse
result: the probability of the message's most dangerous passage (or of the
whole message, when that is higher). It never changes the intent: what to do with its answer is decided
after it, together with the danger lexicon.

``LearnedEntityExtractor`` trains safeguarding/nlu/label_model.py on a folder
of labelled examples and adds the warning signs (or the service requests)
that the patterns of content/ missed.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Tuple, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from safeguarding.nlu.danger_model import ROOT, DangerModel, load_training
from safeguarding.nlu.encoder import WEIGHTS_SHA256, get_encoder
from safeguarding.nlu.graph import DANGER_MODEL_KEY, DENIED_SIGNS_KEY, Trained, with_text
from safeguarding.nlu.label_model import LabelModel, load_labelled, load_negatives
from safeguarding.nlu.passages import passages

EMBEDDING_KEY = "sentence_embedding"
PASSAGES_KEY = "passage_embeddings"
PASSAGE_TEXTS_KEY = "passage_texts"
logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the all-MiniLM-L6-v2 sentence embedding of each message as dense sentence features."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Dense features for DIET by default; their origin is the alias, or the component's name."""
        return {**DenseFeaturizer.get_default_config(), "dense_features": True}

    @classmethod
    def validate_config(cls, config: Dict[str, Any]) -> None:
        """Nothing to check."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """Create the featurizer; the encoder (with its hash check) loads here."""
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        """Load the encoder once per process."""
        super().__init__(name, config)
        self.encoder = get_encoder()

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """The features change only with the weights, which the hash names."""
        return WEIGHTS_SHA256

    def _featurize(self, messages: List[Message], keep: bool) -> None:
        # A "/intent" command is embedded too: its features are part of what DIET learns from.
        texts = list(with_text(messages, commands=True))
        if not texts:
            return
        pieces = [passages(text) if keep else [] for _, text in texts]
        wholes_and_parts = [p for (_, text), parts in zip(texts, pieces, strict=True) for p in (text, *parts)]
        embeddings = self.encoder.encode_batch(wholes_and_parts)
        start = 0
        for (message, _), parts in zip(texts, pieces, strict=True):
            embedding, start = embeddings[start], start + 1 + len(parts)
            if self._config["dense_features"]:
                self.add_features_to_message(None, embedding[None, :], TEXT, message)
            if keep:
                message.set(EMBEDDING_KEY, embedding)
                message.set(PASSAGES_KEY, embeddings[start - len(parts) : start])
                message.set(PASSAGE_TEXTS_KEY, parts)

    def process(self, messages: List[Message]) -> List[Message]:
        """Embed each message: sentence features for DIET, and the embedding for later components."""
        self._featurize(messages, keep=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Embed the training examples (features only: the training data is cached and must stay plain)."""
        if self._config["dense_features"]:
            self._featurize(training_data.training_examples, keep=False)
        return training_data


def _data_fingerprint(directory: Path) -> str:
    """A hash of the training files, so that Rasa retrains the classifier when they change."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_passages(message: Message, text: str) -> Tuple[List[str], np.ndarray]:
    """The message and each of its passages, with their embeddings: as the featurizer left them, else new."""
    embedding, parts = message.get(EMBEDDING_KEY), message.get(PASSAGES_KEY)
    texts = message.get(PASSAGE_TEXTS_KEY)
    if embedding is None or parts is None or texts is None:
        texts = passages(text)
        embeddings = get_encoder().encode_batch([text, *texts])
        return [text, *texts], embeddings.astype(np.float32)
    return [text, *texts], np.vstack([embedding, *parts]).astype(np.float32)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DangerClassifier(Trained):
    """Scores every message for danger with the trained head; adds ``danger_model`` to the parse result."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """The featurizer provides the embedding."""
        return [SentenceEncoderFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Where the training messages are (relative to the project), and how the threshold is chosen."""
        return {"data": "data/danger_classifier", "target_recall": 0.98, "folds": 5}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: DangerModel | None,
    ) -> None:
        """Keep the configuration and, once trained or loaded, the model."""
        super().__init__(config, model_storage, resource, model)
        self.model = model

    @staticmethod
    def _directory(config: Dict[str, Any]) -> Path:
        # Rasa may fingerprint the node with the configuration as written, before the defaults join it.
        path = Path(config.get("data") or DangerClassifier.get_default_config()["data"])
        return path if path.is_absolute() or path.exists() else ROOT / path

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """The training files are read from disk, not given by the graph: their hash joins the fingerprint."""
        return _data_fingerprint(cls._directory(config))

    def train(self, training_data: TrainingData) -> Resource:
        """Train on the messages in ``data`` (the NLU training data is not used) and store the model."""
        examples = load_training(self._directory(self._config))
        texts = [e.text for e in examples]
        self.model = DangerModel.train(
            texts,
            [e.danger for e in examples],
            [e.kind for e in examples],
            embeddings=get_encoder().encode_batch(texts),
            target_recall=float(self._config["target_recall"]),
            folds=int(self._config["folds"]),
        )
        logger.info(f"danger classifier: {self.model.info}")
        return self.store()

    def write(self, directory: Path) -> None:
        """The trained head."""
        assert self.model is not None, "write only after training"
        self.model.save(directory)

    @classmethod
    def read(cls, directory: Path) -> DangerModel:
        """The head stored in the model."""
        return DangerModel.load(directory)

    def process(self, messages: List[Message]) -> List[Message]:
        """Add the danger probability and likely kind of each message with text."""
        if self.model is None:
            return messages
        for message, text in with_text(messages, commands=True):
            texts, rows = read_passages(message, text)
            by_meaning = self.model.probability(rows)
            by_words = self.model.ngram_probability(texts)
            # Each layer's most dangerous passage; the two heads' average is the classifier's answer.
            meaning, words = float(by_meaning.max()), float(by_words.max())
            probability = (meaning + words) / 2 if self.model.ngrams is not None else meaning
            found = {
                "probability": round(probability, 4),
                "encoder": round(meaning, 4),
                "ngrams": round(words, 4),
                "kind": self.model.kind(rows[int(np.argmax(by_meaning))]),
            }
            message.set(DANGER_MODEL_KEY, found, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LearnedEntityExtractor(Trained, EntityExtractorMixin):
    """Adds the warning signs (or service requests) the patterns missed, with the trained label model.

    Configured in config.yml, once per entity:

    - ``entity``: the entity it adds (``warning_sign``, ``service_request``);
    - ``data``: its labelled examples (safeguarding/nlu/label_model.py);
    - ``negatives`` / ``skip_negatives``: the danger classifier's training
      files, whose harmless messages (but for the categories skipped) are
      negative examples too;
    - ``threshold``: the probability a label needs, in the whole message or
      in one of its passages;
    - ``most``: how many labels it may add to one message;
    - ``only_when_none``: add nothing when the patterns found this entity
      (a second sign beside a named one is more often a neighbour of it
      than news: "secretive about his phone" is not also general secrecy).

    A label it adds spans the whole message, and carries its probability
    as the confidence. It never removes what the patterns found, and never
    adds a warning sign the patterns found denied.
    """

    @classmethod
    def required_components(cls) -> List[Type]:
        """The featurizer provides the embeddings."""
        return [SentenceEncoderFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults; config.yml sets the entity and its data."""
        return {
            "entity": "warning_sign",
            "data": "data/warning_signs",
            "negatives": "data/danger_classifier",
            "skip_negatives": [],
            "threshold": 0.7,
            "most": 3,
            "only_when_none": False,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LabelModel | None,
    ) -> None:
        """Keep the configuration and, once trained or loaded, the model."""
        super().__init__({**self.get_default_config(), **config}, model_storage, resource, model)
        self.model = model

    @staticmethod
    def _path(config: Dict[str, Any], key: str) -> Path:
        path = Path(config.get(key) or LearnedEntityExtractor.get_default_config()[key])
        return path if path.is_absolute() or path.exists() else ROOT / path

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """The example files are read from disk: their hash joins the fingerprint."""
        return _data_fingerprint(cls._path(config, "data")) + _data_fingerprint(
            cls._path(config, "negatives")
        )

    def train(self, training_data: TrainingData) -> Resource:
        """Train on the labelled examples and the negatives (the NLU training data is not used)."""
        config = self._config
        examples = load_labelled(self._path(config, "data")) + load_negatives(
            self._path(config, "negatives"), config["skip_negatives"]
        )
        texts = [e.text for e in examples]
        self.model = LabelModel.train(texts, [e.labels for e in examples], get_encoder().encode_batch(texts))
        logger.info(f"{config['entity']} labels: {self.model.info}")
        return self.store()

    def write(self, directory: Path) -> None:
        """The trained model."""
        assert self.model is not None, "write only after training"
        self.model.save(directory)

    @classmethod
    def read(cls, directory: Path) -> LabelModel:
        """The model stored in the Rasa model."""
        return LabelModel.load(directory)

    def labels(self, message: Message, text: str, threshold: float) -> List[Tuple[str, float]]:
        """The labels the model gives the message or one of its passages, most probable first."""
        assert self.model is not None
        texts, rows = read_passages(message, text)
        best = self.model.probabilities(rows, texts).max(axis=0)
        order = np.argsort(-best)
        return [(self.model.labels[i], float(best[i])) for i in order if best[i] >= threshold]

    def process(self, messages: List[Message]) -> List[Message]:
        """Add the entity for each label the patterns did not find."""
        if self.model is None:
            return messages
        entity = self._config["entity"]
        for message, text in with_text(messages):
            entities = message.get(ENTITIES) or []
            known = {e.get("value") for e in entities if e.get("entity") == entity}
            if known and self._config["only_when_none"]:
                continue
            # A sign the patterns found denied ("he hasn't got two phones") is not added back.
            skipped = known | set(message.get(DENIED_SIGNS_KEY) or [])
            threshold = float(self._config["threshold"])
            new = [(label, p) for label, p in self.labels(message, text, threshold) if label not in skipped]
            added = [
                {"entity": entity, "value": label, "start": 0, "end": len(text), "confidence": round(p, 4)}
                for label, p in new[: int(self._config["most"])]
            ]
            if added:
                message.set(ENTITIES, entities + self.add_extractor_name(added), add_to_output=True)
        return messages
