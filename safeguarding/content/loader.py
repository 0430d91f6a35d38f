"""Load, validate and look up the content files in content/.

The YAML files are the single source of what the assistant says: topics,
warning signs, the organisation directory, the danger lexicon, the wording
of the web pages, and how parents' stories are heard (``worries.yml``: which
words make a message about a child, an adult around them or their online
life, and how a worry is answered; ``requests.yml``: which service fits who
is asking and what they ask for). They are checked against content/schema.yml and
against each other when loaded, so a maintainer's mistake is reported with
the file and the place, not as a crash in the middle of a conversation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Dict, List

import yaml
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

CONTENT_DIR = Path(os.environ.get("SAFEGUARDING_CONTENT", Path(__file__).resolve().parents[2] / "content"))
FILES = ("guidance", "organisations", "danger", "lexicon", "web", "safety_check", "worries", "requests")
# Statuses of services that are never offered as a contact.
NOT_OFFERED = ("closed", "inactive")


class ContentError(ValueError):
    """A content file that is missing, malformed or inconsistent."""


# PyYAML's safe loader, in C (libyaml) where the installed PyYAML has it: the same data, read faster.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlainLoader(SafeLoader):  # type: ignore[valid-type, misc]
    """Safe YAML loader that keeps dates as the strings maintainers wrote."""


_PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    """Read one YAML file, naming it in any error."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_PlainLoader)  # noqa: S506 - a SafeLoader
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from None


@dataclass(frozen=True)
class Content:
    """Every content file, validated, with look-ups by id."""

    guidance: Dict[str, Any]
    organisations: Dict[str, Dict[str, Any]]
    directory: Dict[str, Any]
    danger: Dict[str, Any]
    lexicon: Dict[str, Any]
    web: Dict[str, Any]
    safety_check: Dict[str, Any]
    worries: Dict[str, Any]
    requests: Dict[str, Any]

    @property
    def topics(self) -> Dict[str, Dict[str, Any]]:
        """Topics by id."""
        return self.guidance["topics"]

    @property
    def warning_signs(self) -> Dict[str, Dict[str, Any]]:
        """Warning signs by id, in the order of the file."""
        return {sign["id"]: sign for sign in self.guidance["warning_signs"]}

    def topic(self, topic_id: str | None, default: str = "grooming") -> Dict[str, Any]:
        """Return a topic, or the default one when the id is unknown or missing."""
        return self.topics.get(topic_id or default) or self.topics[default]

    def organisation(self, org_id: str) -> Dict[str, Any]:
        """Return one organisation by id."""
        return self.organisations[org_id]

    def services_for_topics(self, topic_ids: List[str]) -> List[str]:
        """The services a triage summary offers for these topics, in order, at most ``max_services``."""
        settings = self.guidance["triage"]
        services = dict.fromkeys(s for t in topic_ids for s in settings["services"].get(t, []))
        return list(services)[: settings["max_services"]]

    def request(self, request_id: str) -> Dict[str, Any] | None:
        """One kind of service request (content/requests.yml) by id, or None."""
        return next((r for r in self.requests["requests"] if r["id"] == request_id), None)

    def live_organisations(self, org_ids: List[str]) -> List[Dict[str, Any]]:
        """Return the organisations that may be offered as contacts (never a closed or inactive one)."""
        return [self.organisations[i] for i in org_ids if self.organisations[i]["status"] not in NOT_OFFERED]


def _check_schema(schema: Dict[str, Any]) -> None:
    """Check schema.yml itself, every file's part and the shared definitions at once."""
    combined = {"definitions": schema["definitions"], "properties": {name: schema[name] for name in FILES}}
    validator_for(combined).check_schema(combined)


def _validate(name: str, data: Any, schema: Dict[str, Any]) -> None:
    """Validate one file's data against its part of the (checked) schema, as ``jsonschema.validate`` does."""
    root = dict(schema[name])
    root["definitions"] = schema["definitions"]
    error = best_match(validator_for(root)(root).iter_errors(data))
    if error is not None:
        place = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise ContentError(f"content/{name}.yml at {place}: {error.message}")


def cross_reference_problems(content: Content) -> List[str]:
    """List every id that points nowhere, and every closed service offered as a contact."""
    orgs = content.organisations
    signs = content.warning_signs
    topics = content.topics
    problems: List[str] = []

    def check(where: str, ids: List[str], known: Dict[str, Any], what: str) -> None:
        problems.extend(f"{where}: unknown {what} '{i}'" for i in ids if i not in known)

    for topic_id, topic in topics.items():
        for role in ("help", "report"):
            check(f"guidance topics.{topic_id}.{role}", topic[role], orgs, "organisation")
            problems.extend(
                f"guidance topics.{topic_id}.{role}: '{i}' is closed and must not be offered"
                for i in topic[role]
                if i in orgs and orgs[i]["status"] in NOT_OFFERED
            )
        check(f"guidance topics.{topic_id}.related", topic["related"], topics, "topic")
    for sign_id, sign in signs.items():
        check(f"guidance warning sign {sign_id} goes_with", sign["goes_with"], signs, "warning sign")
        check(f"guidance warning sign {sign_id} topics", sign["topics"], topics, "topic")
    if len(signs) != len(content.guidance["warning_signs"]):
        problems.append("guidance warning_signs: two signs share an id")
    for kind_id, kind in content.danger["kinds"].items():
        check(f"danger kinds.{kind_id}.services", kind["services"], orgs, "organisation")
        problems.extend(
            f"danger kinds.{kind_id}.services: '{i}' is not operating"
            for i in kind["services"]
            if i in orgs and orgs[i]["status"] in NOT_OFFERED
        )
    triage = content.guidance["triage"]
    check("guidance triage.starter_signs", triage["starter_signs"], signs, "warning sign")
    check("guidance triage.services", list(triage["services"]), topics, "topic")
    for topic_id, services in triage["services"].items():
        check(f"guidance triage.services.{topic_id}", services, orgs, "organisation")
        problems.extend(
            f"guidance triage.services.{topic_id}: '{i}' is closed and must not be offered"
            for i in services
            if i in orgs and orgs[i]["status"] in NOT_OFFERED
        )
    kinds = content.danger["kinds"]
    check("danger fallback_kind", [content.danger["fallback_kind"]], kinds, "kind")
    check("danger topic_kinds", list(content.danger["topic_kinds"]), topics, "topic")
    check("danger topic_kinds", list(content.danger["topic_kinds"].values()), kinds, "kind")
    featured = [content.directory["person_service"]] + content.directory["main_services"]
    check("organisations person_service/main_services", featured, orgs, "organisation")
    problems.extend(
        f"organisations: '{i}' is closed and must not be offered"
        for i in featured
        if i in orgs and orgs[i]["status"] in NOT_OFFERED
    )
    for org in orgs.values():
        check(f"organisations {org['id']} replaced_by", org.get("replaced_by", []), orgs, "organisation")
        check(f"organisations {org['id']} when_closed", org.get("when_closed", []), orgs, "organisation")
        problems.extend(
            f"organisations {org['id']} when_closed: '{i}' is not a live 24/7 service"
            for i in org.get("when_closed", [])
            if i in orgs and (orgs[i]["status"] in NOT_OFFERED or orgs[i].get("hours") != "24/7")
        )
    reading = content.guidance["more_reading"]["service"]
    check("guidance more_reading", [reading], orgs, "organisation")
    if reading in orgs and orgs[reading]["status"] in NOT_OFFERED:
        problems.append(f"guidance more_reading: '{reading}' is not offered")
    return problems + _story_problems(content)


def _story_problems(content: Content) -> List[str]:
    """What in worries.yml and requests.yml points nowhere, or offers a service that is not operating."""
    worries, orgs = content.worries, content.organisations
    problems: List[str] = []
    for reply in worries["replies"]:
        problems += [
            f"worries replies.{reply['id']}: unknown warning sign '{s}'"
            for s in reply["signs"]
            if s not in content.warning_signs
        ]
    if worries["replies"][-1].get("patterns"):
        problems.append("worries replies: the last reply is for every other story and has no patterns")
    kinds = set(worries["mentions"])
    for pair in worries["worry_when"]:
        problems += [f"worries worry_when: unknown mention '{k}'" for k in pair if k not in kinds]
    for request in content.requests["requests"]:
        for org_id in request["services"]:
            org = orgs.get(org_id)
            if org is None:
                problems.append(f"requests {request['id']}: unknown organisation '{org_id}'")
            elif org["status"] in NOT_OFFERED:
                status = org["status"]
                problems.append(f"requests {request['id']}: '{org_id}' is {status} and must not be offered")
    return problems


def load_content(directory: Path = CONTENT_DIR) -> Content:
    """Read and validate every content file in ``directory``."""
    schema = read_yaml(directory / "schema.yml")
    _check_schema(schema)
    raw = {}
    for name in FILES:
        raw[name] = read_yaml(directory / f"{name}.yml")
        _validate(name, raw[name], schema)
    org_list = raw["organisations"]["organisations"]
    organisations = {org["id"]: org for org in org_list}
    if len(organisations) != len(org_list):
        raise ContentError("content/organisations.yml: two organisations share an id")
    content = Content(
        raw["guidance"],
        organisations,
        raw["organisations"],
        raw["danger"],
        raw["lexicon"],
        raw["web"],
        raw["safety_check"],
        raw["worries"],
        raw["requests"],
    )
    problems = cross_reference_problems(content)
    if problems:
        raise ContentError("content files disagree:\n- " + "\n- ".join(problems))
    return content


@cache
def get_content(directory: Path = CONTENT_DIR) -> Content:
    """Return the content, loaded once per process."""
    return load_content(directory)
