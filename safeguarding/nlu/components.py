"""Custom Rasa NLU graph components: the signpost entity extractor, the danger detector and the rest.

The extractor and the detector run on every message, after SpacyNLP, with
matchers compiled from the content files when the model is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language

from safeguarding import rasa_patches
from safeguarding.content.loader import get_content
from safeguarding.nlu.graph import (
    DANGER_KEY,
    DANGER_MODEL_KEY,
    DENIED_SIGNS_KEY,
    SAFETY_CHECK_KEY,
    FromConfig,
    Trained,
    WithMatcher,
    intent_name,
    override_intent,
    with_text,
)
from safeguarding.nlu.language import LanguageCheck
from safeguarding.nlu.matching import DangerMatcher, EntityMatcher
from safeguarding.nlu.text import without_doubles

DANGER_INTENT = "danger"
CONFRONT_INTENT = "confront"
FALLBACK_INTENT = "nlu_fallback"
SIGN_INTENT = "describe_warning_sign"
WORRY_INTENT = "describe_worry"
VOCABULARY_FILE = "vocabulary.json"
PREFIX = 4


class _LexiconComponent(WithMatcher):
    """Shared set-up of the components that match the content files over lemmas."""

    matcher_class: Type[EntityMatcher] | Type[DangerMatcher]

    def compile(self, nlp: Language) -> EntityMatcher | DangerMatcher:
        """The matcher of the content files."""
        return self.matcher_class(nlp, get_content())

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Read each message with text through the matcher compiled with the model's pipeline."""
        matcher = self.matcher(model)
        for message, text in with_text(messages):
            self.read(message, text, matcher)
        return messages

    def read(self, message: Message, text: str, matcher: Any) -> None:
        """Add what the matcher finds in ``text`` to the message."""
        raise NotImplementedError


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class SignpostEntityExtractor(_LexiconComponent, EntityExtractorMixin):
    """Extracts topics, organisations and warning signs named in content/."""

    matcher_class = EntityMatcher

    def read(self, message: Message, text: str, matcher: EntityMatcher) -> None:
        """Add the entities found in the message; keep the warning signs it denies for later components."""
        entities, denied = matcher.read(text)
        found = self.add_extractor_name(entities)
        message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        message.set(DENIED_SIGNS_KEY, sorted(denied))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False, model_from="SpacyNLP"
)
class DangerDetector(_LexiconComponent):
    """Sets the danger intent when the layers agree enough that a child is in danger; else asks.

    It runs after the intent classifier and the fallback classifier and
    overrides both. The danger classifier (``danger_model`` in the parse
    result: the average of its sentence-encoder and n-gram heads) escalates
    on its own from ``escalate_at``, or from ``sign_escalate_at`` when the
    message is read as a warning sign or a worry (an intent of
    ``sign_intents``): the classifier sits close to danger on those ("older
    lads have taken my son under their wing"). The lexicon escalates when the
    classifier gives the message at least ``lexicon_floor`` or the intent
    classifier says danger too (a phrase match in a message both classifiers
    find plainly harmless is more often an idiom than a disclosure). Where
    the lexicon is overruled, only the intent classifier says danger, or the
    classifier gives at least ``ask_at``, the message is flagged for the
    safety check ("Is a child in danger right now?", with the 999 line and
    never-confront). A threat to confront stays one unless the classifier
    gives the message at least ``confront_yields_at`` and the intent
    classifier does not read a threat to confront. What each layer found is
    added to the parse result under ``danger``.
    """

    matcher_class = DangerMatcher

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Escalate from ``escalate_at`` (signs and worries: ``sign_escalate_at``), ask from ``ask_at``."""
        return {
            "escalate_at": 0.9,
            "sign_escalate_at": 0.9,
            "sign_intents": [SIGN_INTENT, WORRY_INTENT],
            "ask_at": 0.5,
            "lexicon_floor": 0.2,
            "confront_yields_at": None,
        }

    def _escalate_at(self, classifier_intent: str | None) -> float:
        """The classifier's threshold for escalating alone: higher for a warning sign or a worry."""
        if classifier_intent in self._config["sign_intents"]:
            return float(self._config["sign_escalate_at"])
        return float(self._config["escalate_at"])

    def _confront_yields(self, probability: float | None, classifier_intent: str | None) -> bool:
        """Whether a confront match gives way to danger: the classifier all but sure, the intent no threat."""
        at = self._config["confront_yields_at"]
        if at is None or probability is None:
            return False
        return probability >= at and classifier_intent != CONFRONT_INTENT

    def read(self, message: Message, text: str, matcher: DangerMatcher) -> None:
        """Override the intent of the message when the layers say danger or confront; else maybe ask."""
        result = matcher.detect(text)
        model = message.get(DANGER_MODEL_KEY) or {}
        classifier_intent = intent_name(message)
        probability = float(model.get("probability") or 0.0) if model else None
        found: Dict[str, Any] = {
            "kinds": list(result.kinds),
            "confront": result.confront,
            "classifier_intent": classifier_intent,
        }
        if probability is not None:
            found["encoder"] = probability >= self._escalate_at(classifier_intent)
            found["encoder_kind"] = model.get("kind")
        message.set(DANGER_KEY, found, add_to_output=True)
        backed = probability is None or probability >= self._config["lexicon_floor"]
        lexicon_kept = result.is_danger and (backed or classifier_intent == DANGER_INTENT)
        unsure = probability is not None and probability >= self._config["ask_at"]
        if lexicon_kept:
            override_intent(message, DANGER_INTENT)
        elif result.confront and not self._confront_yields(probability, classifier_intent):
            # A threat to confront sounds violent to the classifier: the lexicon's reading wins.
            override_intent(message, CONFRONT_INTENT)
        elif found.get("encoder"):
            override_intent(message, DANGER_INTENT)
        elif result.is_danger or classifier_intent == DANGER_INTENT or unsure:
            names_a_sign = any(e.get("entity") == "warning_sign" for e in message.get(ENTITIES) or [])
            if classifier_intent == DANGER_INTENT:
                override_intent(message, SIGN_INTENT if names_a_sign else FALLBACK_INTENT)
            message.set(SAFETY_CHECK_KEY, {"instead_of": DANGER_INTENT}, add_to_output=True)


def _words(tokens: Iterable[Token]) -> Set[str]:
    """Spelling keys (text.without_doubles) of the tokens that hold a letter or digit, and of their lemmas."""
    words = set()
    for token in tokens:
        if any(c.isalnum() for c in token.text):
            words.update({without_doubles(token.text), without_doubles(token.lemma or token.text)})
    return words


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnknownWordsFallback(Trained):
    """Sends a message with no word the assistant was trained on to the fallback.

    The classifier is confident even about gibberish ("asdf"); a message with
    no known word and nothing recognised in it gets the fallback reply, which
    offers the main topics and the 999 line, instead of a confident guess.
    """

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: Set[str] | None,
    ) -> None:
        """Keep the words seen in training (none before training)."""
        super().__init__(config, model_storage, resource, vocabulary)
        self._vocabulary = vocabulary or set()
        self._prefixes = {word[:PREFIX] for word in self._vocabulary if len(word) >= PREFIX}

    def _knows(self, word: str) -> bool:
        """A word is known as it is, or by its first letters ("mornin" for "morning")."""
        return word in self._vocabulary or (len(word) >= PREFIX and word[:PREFIX] in self._prefixes)

    def train(self, training_data: TrainingData) -> Resource:
        """Collect every word and lemma of the training examples."""
        for example in training_data.intent_examples:
            self._vocabulary |= _words(example.get(TOKENS_NAMES[TEXT]) or [])
        return self.store()

    def write(self, directory: Path) -> None:
        """The vocabulary, as a sorted JSON list."""
        (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(self._vocabulary)))

    @classmethod
    def read(cls, directory: Path) -> Set[str]:
        """The vocabulary saved in training."""
        return set(json.loads((directory / VOCABULARY_FILE).read_text()))

    def process(self, messages: List[Message]) -> List[Message]:
        """Set the fallback intent where no word is known and nothing was recognised."""
        for message, _ in with_text(messages):
            if message.get(ENTITIES):
                continue
            words = _words(message.get(TOKENS_NAMES[TEXT]) or [])
            if words and not any(self._knows(word) for word in words):
                override_intent(message, FALLBACK_INTENT)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OtherLanguageIntent(FromConfig):
    """A message in another language than English gets ``intent``: the reply says the assistant reads English.

    The word lists are in content/lexicon.yml (``languages``). The danger
    detector runs after this component, so an English danger phrase in the
    message still escalates.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The intent to set."""
        return {"intent": "other_language"}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Read the word lists."""
        super().__init__(config)
        self._check = LanguageCheck(get_content().lexicon["languages"])

    def process(self, messages: List[Message]) -> List[Message]:
        """Set the intent of messages written in another language."""
        for message, text in with_text(messages):
            if self._check.language(text):
                override_intent(message, self._config["intent"])
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NamedSignIntent(FromConfig):
    """A message that names a warning sign describes it, whatever else the classifier guessed.

    "my son has been skipping school" is never out of scope, nor a fallback.
    Configured in config.yml: the ``entity`` that counts, the ``intents`` it
    overrides, and the ``intent`` it sets. It runs before the danger detector,
    which still has the last word.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Warning signs turn out-of-scope and fallback guesses into describe_warning_sign."""
        return {
            "entity": "warning_sign",
            "intents": ["out_of_scope", FALLBACK_INTENT],
            "intent": "describe_warning_sign",
        }

    def process(self, messages: List[Message]) -> List[Message]:
        """Override the configured intents of messages that name a warning sign."""
        for message in messages:
            named = any(e.get("entity") == self._config["entity"] for e in message.get(ENTITIES) or [])
            if named and intent_name(message) in self._config["intents"]:
                override_intent(message, self._config["intent"])
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class RasaPatches(FromConfig):
    """The config.yml entry that applies safeguarding/rasa_patches.py whenever the model is loaded.

    It is registered as a featuriser only because every pipeline entry needs a
    kind; it leaves messages and training data as they are.
    ``action_server_timeout`` is how many seconds a custom action may take.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Wait ten seconds for the action server by default."""
        return {"action_server_timeout": 10}

    def __init__(self, config: Dict[str, Any]) -> None:
        """Apply the patches (Rasa makes this component when it trains or loads the model)."""
        super().__init__(config)
        rasa_patches.apply(config["action_server_timeout"])

    def process(self, messages: List[Message]) -> List[Message]:
        """Leave messages as they are."""
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leave training data as it is."""
        return training_data
