"""The changes to Rasa's own behaviour (safeguarding/rasa_patches.py), each on its own."""

from __future__ import annotations

import asyncio

import jsonschema
import pytest
import rasa.core.actions.action as rasa_action
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from deploy.servers import free_port
from safeguarding import rasa_patches
from tests.conftest import ROOT

VALID = [{}, {"events": [], "responses": []}, {"events": [{"event": "slot", "name": "topic", "value": "x"}]}]
INVALID = [
    {"events": "not a list"},
    {"responses": [1]},
    {"events": [{"event": "no such event"}]},
    {"events": [{"event": "slot"}]},
]


@pytest.fixture(scope="module", autouse=True)
def patched() -> None:
    rasa_patches.apply(action_server_timeout=5)


def test_the_wait_for_the_action_server_is_the_configured_one():
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 5.0


def test_applying_twice_patches_once():
    run, validate = rasa_action.RemoteAction.run, rasa_action.RemoteAction._validate_action_result
    rasa_patches.apply(action_server_timeout=5)
    assert (rasa_action.RemoteAction.run, rasa_action.RemoteAction._validate_action_result) == (run, validate)


def test_a_custom_action_that_cannot_reach_its_server_says_so():
    domain = Domain.load(str(ROOT / "domain.yml"))
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{free_port()}/webhook")
    action = rasa_action.RemoteAction("action_danger_followup", endpoint)
    tracker = DialogueStateTracker.from_events("parent", [UserUttered("hello")])
    output, nlg = CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses)
    events = asyncio.run(action.run(output, nlg, tracker, domain))
    assert events == [BotUttered(rasa_patches.unavailable_text())]
    assert "999" in rasa_patches.unavailable_text()
    # A second failed action in the same turn does not say it again.
    tracker.update_with_events(events, domain)
    assert asyncio.run(action.run(output, nlg, tracker, domain)) == []


def _rasas_own_error(result: dict) -> jsonschema.ValidationError | None:
    """What Rasa 3.6's own check (jsonschema.validate against the schema) raises, if anything."""
    try:
        jsonschema.validate(result, rasa_action.RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as error:
        return error
    return None


def test_action_results_are_judged_as_rasa_judges_them():
    action = rasa_action.RemoteAction("action_x", None)
    for result in VALID:
        assert _rasas_own_error(result) is None
        assert action._validate_action_result(result) is True
    for result in INVALID:
        expected = _rasas_own_error(result)
        assert expected is not None
        with pytest.raises(jsonschema.ValidationError) as raised:
            action._validate_action_result(result)
        assert raised.value.message.startswith(
            expected.message + ". Failed to validate Action server response"
        )
        assert list(raised.value.absolute_path) == list(expected.absolute_path)
