"""Parents' stories, as content: content/worries.yml and content/requests.yml, validated.

``worries.yml`` says which words make a message about a child, an adult
around them or their online life, and how a worry is answered;
``requests.yml`` says which service fits who is asking and what they ask
for. Both are checked against content/schema.yml and against the rest of
the content. The NLU components that use them are in safeguarding/nlu/stories.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Dict, List

import jsonschema

from safeguarding.content.loader import CONTENT_DIR, NOT_OFFERED, ContentError, get_content, read_yaml

STORY_FILES = ("worries", "requests")


@dataclass(frozen=True)
class Stories:
    """content/worries.yml and content/requests.yml, validated."""

    worries: Dict[str, Any]
    requests: Dict[str, Any]

    def request(self, request_id: str) -> Dict[str, Any] | None:
        """One request by id, or None."""
        return next((r for r in self.requests["requests"] if r["id"] == request_id), None)


def _problems(stories: Stories) -> List[str]:
    content = get_content()
    problems = []
    for reply in stories.worries["replies"]:
        problems += [
            f"worries replies.{reply['id']}: unknown warning sign '{s}'"
            for s in reply["signs"]
            if s not in content.warning_signs
        ]
    if stories.worries["replies"][-1].get("patterns"):
        problems.append("worries replies: the last reply is for every other story and has no patterns")
    kinds = set(stories.worries["mentions"])
    for pair in stories.worries["worry_when"]:
        problems += [f"worries worry_when: unknown mention '{k}'" for k in pair if k not in kinds]
    for request in stories.requests["requests"]:
        for org_id in request["services"]:
            org = content.organisations.get(org_id)
            if org is None:
                problems.append(f"requests {request['id']}: unknown organisation '{org_id}'")
            elif org["status"] in NOT_OFFERED:
                status = org["status"]
                problems.append(f"requests {request['id']}: '{org_id}' is {status} and must not be offered")
    return problems


def load_stories(directory: Path = CONTENT_DIR) -> Stories:
    """Read and validate content/worries.yml and content/requests.yml."""
    schema = read_yaml(directory / "schema.yml")
    data = {}
    for name in STORY_FILES:
        data[name] = read_yaml(directory / f"{name}.yml")
        root = dict(schema[name])
        root["definitions"] = schema["definitions"]
        try:
            jsonschema.validate(data[name], root)
        except jsonschema.ValidationError as error:
            place = "/".join(str(p) for p in error.absolute_path) or "(top)"
            raise ContentError(f"content/{name}.yml at {place}: {error.message}") from None
    stories = Stories(data["worries"], data["requests"])
    problems = _problems(stories)
    if problems:
        raise ContentError("content files disagree:\n- " + "\n- ".join(problems))
    return stories


@cache
def get_stories(directory: Path = CONTENT_DIR) -> Stories:
    """The story content, loaded once per process."""
    return load_stories(directory)
