"""Every change this project makes to Rasa's own behaviour, in one place.

Rasa 3.6 has no setting for these, so they replace parts of Rasa while it
runs. ``apply`` is the one entry point. The ``RasaPatches`` entry of
config.yml's pipeline (safeguarding/nlu/components.py) calls it whenever a
trained model is loaded (``rasa run``, ``rasa shell``, ``rasa test``,
``Agent.load``), so a model never runs without them. Each patch below
names the Rasa behaviour it changes and the test that proves it; ``apply``
may run any number of times.

Not patches, so not here: the project's own subclasses, which Rasa loads by
name through its extension points and which change nothing else in Rasa
(their tests are in tests/test_locks.py, tests/test_storage.py and
tests/test_production.py):

- ``safeguarding.storage.locks.AtomicRedisLockStore`` (``lock_store`` in
  deploy/endpoints.yml): Rasa's RedisLockStore, each ticket issued and
  returned by one atomic Redis script;
- ``safeguarding.storage.conversations.ConversationStore`` (``tracker_store``):
  Rasa's SQLTrackerStore with its engine replaced (connections checked, the
  SQLite file kept open) and a retention period;
- ``safeguarding.channels.rest.RestInput`` (credentials.yml): Rasa's REST
  channel, bad requests refused first;
- the NLU components and ``EscalationPolicy`` (config.yml).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List

import aiohttp
import jsonschema
import rasa.core.actions.action as rasa_action
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from safeguarding.content.loader import get_content

logger = logging.getLogger(__name__)


def apply(action_server_timeout: float) -> None:
    """Apply every patch to this process's Rasa."""
    limit_the_wait_for_the_action_server(action_server_timeout)
    reply_when_a_custom_action_fails()
    validate_action_results_with_one_validator()


def limit_the_wait_for_the_action_server(seconds: float) -> None:
    """Wait ``seconds`` for a custom action's answer.

    Changes: ``rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT`` (300 s), how
    long every RemoteAction waits for the action server.
    Proved by: tests/test_server.py::test_danger_gets_999_within_seconds_when_the_action_server_hangs
    and tests/test_rasa_patches.py::test_the_wait_for_the_action_server_is_the_configured_one.
    """
    rasa_action.DEFAULT_REQUEST_TIMEOUT = float(seconds)


def unavailable_text() -> str:
    """What the parent is told when the action server cannot answer (content/guidance.yml)."""
    content = get_content()
    phone = content.organisation(content.directory["person_service"])["phone"]
    return content.guidance["formats"]["assistant_unavailable"].format(phone=phone)


def _replied_this_turn(tracker: DialogueStateTracker, text: str) -> bool:
    """True when ``text`` was already sent since the parent's last message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and event.text == text:
            return True
    return False


def reply_when_a_custom_action_fails() -> None:
    """When a custom action cannot run, send a short reply with 999 and the helpline instead of nothing.

    Changes: ``rasa.core.actions.action.RemoteAction.run``, which raises when the
    action server is down, times out or answers badly, so that the parent gets no
    reply for that action. A rejection (a form's validation) is still raised.
    Proved by: tests/test_server.py::test_danger_still_gets_999_when_the_action_server_is_down
    and tests/test_rasa_patches.py::test_a_custom_action_that_cannot_reach_its_server_says_so.
    """
    original = rasa_action.RemoteAction.run
    if getattr(original, "patched", False):
        return

    async def run(
        self: rasa_action.RemoteAction,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        tracker: DialogueStateTracker,
        domain: Domain,
    ) -> List[Event]:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except rasa_action.ActionExecutionRejection:
            raise
        except (RasaException, asyncio.TimeoutError, aiohttp.ClientError) as error:
            logger.error(f"The action server could not run '{self.name()}': {type(error).__name__}")
            text = unavailable_text()
            if _replied_this_turn(tracker, text):
                return []
            return [BotUttered(text)]

    run.patched = True  # type: ignore[attr-defined]
    rasa_action.RemoteAction.run = run  # type: ignore[method-assign]


def validate_action_results_with_one_validator() -> None:
    """Check each action server answer against Rasa's schema without re-checking the schema itself.

    Changes: ``rasa.core.actions.action.RemoteAction._validate_action_result``,
    which calls ``jsonschema.validate`` for every custom action; that first checks
    the (constant) schema against the JSON Schema meta-schema, which took most of
    the time of a message. The answer is still validated, with the same schema
    and the same error, by a validator built once.
    Proved by: tests/test_rasa_patches.py::test_action_results_are_judged_as_rasa_judges_them.
    """
    if getattr(rasa_action.RemoteAction._validate_action_result, "patched", False):
        return
    schema = rasa_action.RemoteAction.action_response_format_spec()
    checker = jsonschema.validators.validator_for(schema)(schema)

    def validate(self: rasa_action.RemoteAction, result: Dict[str, Any]) -> bool:
        error = jsonschema.exceptions.best_match(checker.iter_errors(result))
        if error is None:
            return True
        error.message += (
            f". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit "
            f"{rasa_action.DOCS_BASE_URL}/custom-actions"
        )
        raise error

    validate.patched = True  # type: ignore[attr-defined]
    rasa_action.RemoteAction._validate_action_result = validate  # type: ignore[method-assign]
