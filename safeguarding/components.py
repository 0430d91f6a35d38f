"""Custom Rasa NLU graph components: the signpost entity extractor and the danger detector.

Both run on every message, after SpacyNLP, with matchers compiled from the
content files when the model is loaded.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from safeguarding.content import get_content
from safeguarding.matching import DangerMatcher, EntityMatcher

DANGER_INTENT = "danger"
CONFRONT_INTENT = "confront"
DANGER_KEY = "danger"


def _text(message: Message) -> Optional[str]:
    text = message.get(TEXT)
    return text if isinstance(text, str) and text.strip() and not text.startswith("/") else None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class SignpostEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts topics, organisations and warning signs named in content/."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """SpacyNLP provides the lemmatizing pipeline."""
        return [SpacyNLP]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SignpostEntityExtractor":
        """Create the component; matchers are compiled on first use."""
        return cls()

    def __init__(self) -> None:
        """Start with no matcher."""
        self._matcher: Optional[EntityMatcher] = None

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Add the entities found in each message."""
        if self._matcher is None:
            self._matcher = EntityMatcher(model.model, get_content())
        for message in messages:
            text = _text(message)
            if text is None:
                continue
            found = self.add_extractor_name(self._matcher.extract(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False, model_from="SpacyNLP"
)
class DangerDetector(GraphComponent):
    """Sets the danger (or confront) intent whenever the danger lexicon matches.

    It runs after the trained classifier and the fallback classifier and
    overrides both, so escalation does not depend on what the classifier
    thought or on how sure it was. What it found is added to the
    parse result under ``danger`` for the follow-up action.
    """

    @classmethod
    def required_components(cls) -> List[Type]:
        """SpacyNLP provides the lemmatizing pipeline."""
        return [SpacyNLP]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DangerDetector":
        """Create the component; matchers are compiled on first use."""
        return cls()

    def __init__(self) -> None:
        """Start with no matcher."""
        self._matcher: Optional[DangerMatcher] = None

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Override the intent of every message the lexicon matches."""
        if self._matcher is None:
            self._matcher = DangerMatcher(model.model, get_content())
        for message in messages:
            text = _text(message)
            if text is None:
                continue
            result = self._matcher.detect(text)
            message.set(
                DANGER_KEY,
                {"kinds": list(result.kinds), "confront": result.confront},
                add_to_output=True,
            )
            if result.is_danger:
                _override_intent(message, DANGER_INTENT)
            elif result.confront and _intent_name(message) != DANGER_INTENT:
                _override_intent(message, CONFRONT_INTENT)
        return messages


def _intent_name(message: Message) -> Optional[str]:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


def _override_intent(message: Message, name: str) -> None:
    """Make ``name`` the only intent, keeping what the classifier thought for the record."""
    intent = {INTENT_NAME_KEY: name, "confidence": 1.0}
    message.get(DANGER_KEY)["classifier_intent"] = message.get(INTENT)
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
