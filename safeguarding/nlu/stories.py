"""Parents tell stories: NLU components that keep a story from being read as "bye" or "start again".

``content/worries.yml`` says which words make a message about a child, an
adult around them or their online life; ``content/requests.yml`` says which
service fits who is asking and what they ask for. Both are content files
like the others (safeguarding/content/loader.py).

- ``ServiceRequestExtractor`` finds a ``service_request`` entity ("my son
  wants to talk to someone himself" is ``child_wants_to_talk``).
- ``StoryIntentGuard`` runs after the classifier: a request becomes the
  request intent; a story the classifier read as a short intent (start
  again, goodbye, thanks, yes, no), or as out of scope or not understood,
  becomes a worry (or a warning sign, when one was named). It adds what the
  story mentions to the parse result under ``worry``.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Set, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.util import filter_spans

from safeguarding.content.loader import Content, get_content
from safeguarding.nlu.graph import (
    DANGER_KEY,
    FromConfig,
    WithMatcher,
    intent_name,
    override_intent,
    with_text,
)
from safeguarding.nlu.patterns import compile_patterns
from safeguarding.nlu.text import fold, normalise

WORRY_KEY = "worry"


class StoryMatcher:
    """What a message mentions (child, adult, online life, a worry), its closest reply, and requests."""

    def __init__(self, nlp: Language, content: Content) -> None:
        """Compile the patterns of the two story files."""
        self._nlp = nlp
        self._text_speak = content.lexicon["text_speak"]
        worries, requests = content.worries, content.requests
        self._mentions = Matcher(nlp.vocab)
        for kind, patterns in worries["mentions"].items():
            self._mentions.add(kind, compile_patterns(nlp, patterns, worries["groups"]))
        self._replies = Matcher(nlp.vocab)
        self._reply_order = [r["id"] for r in worries["replies"]]
        for reply in worries["replies"]:
            if reply.get("patterns"):
                self._replies.add(reply["id"], compile_patterns(nlp, reply["patterns"], worries["groups"]))
        self._worry_when = [frozenset(pair) for pair in worries["worry_when"]]
        self._requests = Matcher(nlp.vocab)
        self._request_order = [r["id"] for r in requests["requests"]]
        for request in requests["requests"]:
            self._requests.add(request["id"], compile_patterns(nlp, request["patterns"], requests["groups"]))

    def read(self, text: str) -> Dict[str, Any]:
        """What the message mentions, whether it tells of a worry, and the reply that fits it best."""
        doc = self._nlp(normalise(text, self._text_speak))
        strings = self._nlp.vocab.strings
        mentions: Set[str] = {strings[m] for m, _, _ in self._mentions(doc)}
        replies = {strings[m] for m, _, _ in self._replies(doc)}
        reply = next((r for r in self._reply_order if r in replies), self._reply_order[-1])
        return {
            "mentions": sorted(mentions),
            "is_worry": any(pair <= mentions for pair in self._worry_when),
            "reply": reply,
            "words": sum(1 for token in doc if any(c.isalnum() for c in token.text)),
        }

    def requests(self, text: str) -> List[Dict[str, Any]]:
        """The service requests in ``text``, as entities over the parent's own words, first request first."""
        folded = fold(text)
        doc = self._nlp(folded)
        strings = self._nlp.vocab.strings
        spans = [doc[s:e] for _, s, e in self._requests(doc)]
        labels = {(s, e): strings[m] for m, s, e in self._requests(doc)}
        found: List[Tuple[int, Dict[str, Any]]] = []
        seen: Set[str] = set()
        for span in filter_spans(spans):
            value = labels[(span.start, span.end)]
            if value in seen:
                continue
            seen.add(value)
            start, end = span.start_char, span.end_char
            entity = {"entity": "service_request", "value": value, "start": start, "end": end}
            found.append((self._request_order.index(value), {**entity, "confidence": 1.0}))
        return [entity for _, entity in sorted(found, key=lambda pair: pair[0])]


class _StoryComponent(WithMatcher):
    """Shared set-up: the configuration and a matcher of the story content compiled on first use."""

    def compile(self, nlp: Language) -> StoryMatcher:
        """The matcher of the story content."""
        return StoryMatcher(nlp, get_content())


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class ServiceRequestExtractor(_StoryComponent, EntityExtractorMixin):
    """Finds what kind of service a parent asks for (content/requests.yml) as a ``service_request`` entity."""

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Add the service requests found in each message."""
        matcher = self.matcher(model)
        for message, text in with_text(messages):
            found = self.add_extractor_name(matcher.requests(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False, model_from="SpacyNLP"
)
class StoryIntentGuard(_StoryComponent):
    """A story is never "start again", "goodbye" or out of scope; a service request gets its service.

    Configured in config.yml:

    - ``short``: intents that take only short, clear messages, each with the
      most words it may have. A longer message, or one that mentions any of
      the ``story_mentions`` kinds (content/worries.yml), is a story.
    - ``length_only``: short intents for which only the length counts ("no,
      my son hasn't" still answers a question).
    - ``scope``: intents (out of scope, not understood) that become a worry
      when the message tells of one (``worry_when`` in content/worries.yml).
    - ``worry_intent`` / ``sign_intent`` / ``sign_entity``: a story becomes
      ``sign_intent`` when a ``sign_entity`` was found, else ``worry_intent``.
    - ``request_intent`` / ``request_entity`` / ``request_from``: a message
      with a ``request_entity`` whose intent is in ``request_from`` becomes
      ``request_intent``; ``request_kept`` lists, per intent, requests its own
      reply already answers. A request only the learned reader found
      (``learned_extractor``) moves only the intents of ``learned_request_from``:
      stories and unclear messages, not questions whose own reply signposts.
      ``RequestEntityFilter``, after the danger detector, takes the request
      entity off every other message but danger.

    It runs before the danger detector, which still has the last word.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Defaults; config.yml sets every one of them."""
        return {
            "short": {},
            "length_only": [],
            "story_mentions": ["child", "adult", "online"],
            "scope": ["out_of_scope", "nlu_fallback"],
            "worry_intent": "describe_worry",
            "sign_intent": "describe_warning_sign",
            "sign_entity": "warning_sign",
            "request_intent": "ask_service",
            "request_entity": "service_request",
            "request_from": [],
            "request_kept": {},
            "learned_request_from": [],
            "learned_extractor": "LearnedEntityExtractor",
        }

    def _is_story(self, intent: str, read: Dict[str, Any]) -> bool:
        config = self._config
        if read["words"] > int(config["short"][intent]):
            return True
        if intent in config["length_only"]:
            return False
        return bool(set(read["mentions"]) & set(config["story_mentions"]))

    def _new_intent(self, message: Message, read: Dict[str, Any]) -> str | None:
        config = self._config
        intent = intent_name(message)
        entities = message.get(ENTITIES) or []
        requests = [e for e in entities if e.get("entity") == config["request_entity"]]
        kept: FrozenSet[str] = frozenset(config["request_kept"].get(intent, []))
        if requests and requests[0]["value"] not in kept:
            learned = requests[0].get("extractor") == config["learned_extractor"]
            if intent in config["learned_request_from" if learned else "request_from"]:
                return config["request_intent"]
        story = (
            (intent is not None and intent in config["short"] and self._is_story(intent, read))
            or (intent in config["scope"] and read["is_worry"])
            or intent == config["worry_intent"]
        )
        if not story:
            return None
        if any(e.get("entity") == config["sign_entity"] for e in entities):
            return config["sign_intent"]
        return config["worry_intent"]

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Re-route stories and requests; add what each message mentions under ``worry``."""
        matcher = self.matcher(model)
        for message, text in with_text(messages):
            read = matcher.read(text)
            message.set(WORRY_KEY, read, add_to_output=True)
            new = self._new_intent(message, read)
            if new and new != intent_name(message):
                override_intent(message, new)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RequestEntityFilter(FromConfig):
    """Keeps a request entity only on a request; on danger, notes what was asked for beside the danger.

    "my son has been missing since last night, who can help" is danger, not a
    service request, but its follow-up names the service asked for first: on
    a message whose intent is in ``noted_on``, the requests move from the
    entities to ``danger.requests`` in the parse result (an entity would
    change how the dialogue policies read the conversation). Configured in
    config.yml with the ``request_intent`` and ``request_entity``; it runs
    after the danger detector and changes no intent.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The request intent and entity, and the intents that note the requests under ``danger``."""
        return {"request_intent": "ask_service", "request_entity": "service_request", "noted_on": []}

    def process(self, messages: List[Message]) -> List[Message]:
        """Drop request entities from messages whose intent is not the request intent; note them on danger."""
        for message in messages:
            intent = intent_name(message)
            if intent == self._config["request_intent"]:
                continue
            entities = message.get(ENTITIES) or []
            kept = [e for e in entities if e.get("entity") != self._config["request_entity"]]
            if len(kept) == len(entities):
                continue
            message.set(ENTITIES, kept, add_to_output=True)
            if intent in self._config.get("noted_on", []):
                requests = [e["value"] for e in entities if e.get("entity") == self._config["request_entity"]]
                danger = {**(message.get(DANGER_KEY) or {}), "requests": list(dict.fromkeys(requests))}
                message.set(DANGER_KEY, danger, add_to_output=True)
        return messages
