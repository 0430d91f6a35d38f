"""What the custom Rasa NLU graph components share: reading a message, setting its intent, being made.

The components themselves are in components.py, stories.py,
encoder_components.py and safety_check.py; each builds on one of the base
classes here:

- ``FromConfig``: made from its configuration alone, nothing to train or store;
- ``WithMatcher``: also needs the model's spaCy pipeline, to compile a matcher
  the first time it reads a message;
- ``Trained``: learns something in ``rasa train`` and keeps it in the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Tuple, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language

# Where the danger detector puts what each layer found (components.py).
DANGER_KEY = "danger"
# Where the sentence-encoder danger classifier puts its verdict (encoder_components.py).
DANGER_MODEL_KEY = "danger_model"
# The warning signs a message names only to deny them ("she hasn't got a second phone"), kept on the
# message by the pattern extractor for the learned one (components.py, encoder_components.py).
DENIED_SIGNS_KEY = "denied_warning_signs"
# The flag that makes the escalation policy ask "Is a child in danger right now?" (safety_check.py).
SAFETY_CHECK_KEY = "safety_check"


def message_text(message: Message, commands: bool = False) -> str | None:
    """The text of a message, or None when it is blank or, unless ``commands``, a "/intent" command."""
    text = message.get(TEXT)
    if not isinstance(text, str) or not text.strip():
        return None
    return text if commands or not text.startswith("/") else None


def with_text(messages: Iterable[Message], commands: bool = False) -> Iterator[Tuple[Message, str]]:
    """Each message that has a text (``message_text``), with that text."""
    for message in messages:
        text = message_text(message, commands)
        if text is not None:
            yield message, text


def intent_name(message: Message) -> str | None:
    """The name of the message's intent, if it has one."""
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


def override_intent(message: Message, name: str) -> None:
    """Make ``name`` the message's only intent, with full confidence."""
    intent = {INTENT_NAME_KEY: name, "confidence": 1.0}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)


class FromConfig(GraphComponent):
    """A component made from its configuration alone: nothing to train, nothing to store."""

    def __init__(self, config: Dict[str, Any]) -> None:
        """Keep the configuration."""
        self._config = config

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Create the component from its configuration."""
        return cls(config)


class WithMatcher(FromConfig):
    """A component that reads messages with a matcher, compiled with the spaCy pipeline on first use."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """SpacyNLP provides the lemmatizing pipeline."""
        return [SpacyNLP]

    def __init__(self, config: Dict[str, Any]) -> None:
        """Start with no matcher."""
        super().__init__(config)
        self._matcher: Any = None

    def compile(self, nlp: Language) -> Any:
        """The component's matcher, compiled with ``nlp``."""
        raise NotImplementedError

    def matcher(self, model: SpacyModel) -> Any:
        """The matcher, compiled the first time it is asked for."""
        if self._matcher is None:
            self._matcher = self.compile(model.model)
        return self._matcher


class Trained(GraphComponent):
    """A component that learns in ``rasa train`` and keeps what it learned in the model.

    A subclass says how what it learned is written to the model's directory
    (``write``) and read back (``read``); before training it has nothing
    (``learned`` is None).
    """

    def __init__(
        self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource, learned: Any
    ) -> None:
        """Keep the configuration, where the model is stored and what was learned."""
        self._config = config
        self._model_storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """An untrained component."""
        return cls(config, model_storage, resource, None)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GraphComponent:
        """The component with what it learned, read from the model."""
        with model_storage.read_from(resource) as directory:
            learned = cls.read(directory)
        return cls(config, model_storage, resource, learned)

    @classmethod
    def read(cls, directory: Path) -> Any:
        """What was learned, from the model's directory of this component."""
        raise NotImplementedError

    def write(self, directory: Path) -> None:
        """Write what was learned into the model's directory of this component."""
        raise NotImplementedError

    def store(self) -> Resource:
        """Keep what was learned in the model (the end of ``train``)."""
        with self._model_storage.write_to(self._resource) as directory:
            self.write(directory)
        return self._resource
