"""The REST channel, with a clear answer to every bad request.

Rasa's REST webhook has no authentication of its own: a conversation is found
by its sender id alone. So the sender must be a random UUID made by the
parent's browser, which nobody else can guess. A request that is not JSON, not
UTF-8, has no text, or is longer than the chat page allows, is refused with a
status and a message that says why (wording in content/web.yml), before it
reaches the assistant; the conversation is left as it was.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Awaitable, Callable, Dict, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from safeguarding.content.loader import get_content


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


Problem = Tuple[int, str, Dict[str, Any]]


def request_problem(content_type: str, body: bytes, max_length: int) -> Problem | None:
    """What is wrong with a webhook request, as (status, key of the message, values), or None."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        return 415, "content_type", {}
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return 400, "not_utf8", {}
    except ValueError:
        return 400, "not_json", {}
    if not isinstance(data, dict):
        return 400, "not_json", {}
    if not _is_uuid(data.get("sender")):
        return 400, "sender", {}
    message = data.get("message")
    if not isinstance(message, str) or not message.strip():
        return 400, "empty", {}
    if len(message) > max_length:
        return 413, "too_long", {"max": max_length, "length": len(message)}
    return None


class RestInput(RasaRestInput):
    """Rasa's REST channel (at /webhooks/rest/webhook), refusing bad requests with a clear message."""

    @classmethod
    def name(cls) -> str:
        """Keep Rasa's webhook path."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint, with the requests checked first."""
        webhook = super().blueprint(on_new_message)
        content = get_content()
        max_length = content.web["chat"]["max_length"]
        errors = content.web["errors"]

        @webhook.middleware("request")
        async def check(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            problem = request_problem(request.headers.get("content-type", ""), request.body, max_length)
            if problem is None:
                return None
            status, key, values = problem
            return response.json({"error": errors[key].format(**values)}, status=status)

        return webhook
