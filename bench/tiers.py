"""Put every message of the measurement sets in its tier: dev or frozen, by a stable hash.

    python -m bench.tiers   (make tiers)

Reads tests/sets/*_dev.yml and *_frozen.yml, and writes them back with each
message where the hash puts it, except that a message which nearly repeats
an example the assistant learns from always goes to dev. Run it after
adding messages to a set (add them to either file); never move a message by
hand. The tests check that the files are as this script leaves them.
"""

from __future__ import annotations

from typing import Any, Dict, List

import yaml

from bench.sets import SETS, NearDuplicates, hashed_tier, training_references

TIERS = ("dev", "frozen")
HEADERS = {
    "danger": (
        "# Danger {tier} tier: every message mentions a child in danger, so the assistant must\n"
        "# escalate (999 first, then never confront). Typos, text-speak, curly quotes, indirect and\n"
        "# narrative phrasings. `conversations`: the danger is in the last message of each.\n"
    ),
    "harmless": (
        '# Harmless {tier} tier: messages that share words with danger ("killing", "missing",\n'
        '# "knife") and ordinary questions about signs and topics. None may escalate.\n'
    ),
    "nlu": "# Intent {tier} tier: phrasings never trained on, with the intent each should get.\n",
    "signs": (
        "# Warning-sign {tier} tier: messages as parents type them, each with the exact set of\n"
        "# warning signs it names (content/guidance.yml). Keys: text, signs, and optionally tags\n"
        "# (negation, text_speak, harmless, multi) and negated (the signs a negation denies).\n"
    ),
}
FOOTER = {
    "dev": "# Tune on this tier freely.\n",
    "frozen": "# Never tune on this tier: it measures how the assistant does on words it has not seen.\n",
}


def _text(set_name: str, item: Any) -> str:
    if set_name == "danger" and isinstance(item, list):
        return item[-1]
    if isinstance(item, dict):
        return item["text"]
    return item


def tier_of(set_name: str, item: Any, near: NearDuplicates) -> str:
    """Where a message belongs: its hash's tier, but dev when it nearly repeats a training example."""
    text = _text(set_name, item)
    if near.of(text):
        return "dev"
    return hashed_tier(text)


def _read(set_name: str) -> List[Dict[str, Any]]:
    return [yaml.safe_load((SETS / f"{set_name}_{tier}.yml").read_text(encoding="utf-8")) for tier in TIERS]


def _nlu_items(data: Dict[str, Any]) -> List[Dict[str, str]]:
    items = []
    for block in data.get("nlu", []):
        for line in block["examples"].splitlines():
            if line.strip().startswith("- "):
                items.append({"intent": block["intent"], "text": line.strip()[2:]})
    return items


def _dump(set_name: str, tier: str, body: str) -> None:
    text = HEADERS[set_name].format(tier=tier) + FOOTER[tier] + body
    (SETS / f"{set_name}_{tier}.yml").write_text(text, encoding="utf-8")


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


def split(near: NearDuplicates) -> None:
    """Rewrite every set's two tier files."""
    # Danger: kinds and conversations.
    parts = _read("danger")
    kinds = list(parts[0]["kinds"])
    out = {t: {"version": 1, "kinds": {k: [] for k in kinds}, "conversations": []} for t in TIERS}
    for data in parts:
        for kind, texts in data["kinds"].items():
            for text in texts:
                out[tier_of("danger", text, near)]["kinds"][kind].append(text)
        for turns in data.get("conversations", []):
            out[tier_of("danger", turns, near)]["conversations"].append(turns)
    for tier in TIERS:
        _dump("danger", tier, _yaml(out[tier]))
    # Harmless and signs: a list of messages.
    for set_name, field in (("harmless", "messages"), ("signs", "phrasings")):
        parts = _read(set_name)
        lists: Dict[str, List[Any]] = {t: [] for t in TIERS}
        for data in parts:
            for item in data[field]:
                lists[tier_of(set_name, item, near)].append(item)
        for tier in TIERS:
            _dump(set_name, tier, _yaml({"version": 1, field: lists[tier]}))
    # Intents: a Rasa NLU file.
    parts = _read("nlu")
    by_tier: Dict[str, Dict[str, List[str]]] = {t: {} for t in TIERS}
    for data in parts:
        for item in _nlu_items(data):
            tier = tier_of("nlu", item, near)
            by_tier[tier].setdefault(item["intent"], []).append(item["text"])
    for tier in TIERS:
        blocks = []
        for intent, texts in by_tier[tier].items():
            examples = "".join(f"    - {t}\n" for t in texts)
            blocks.append(f"- intent: {intent}\n  examples: |\n{examples}")
        _dump("nlu", tier, 'version: "3.1"\n\nnlu:\n' + "\n".join(blocks))


if __name__ == "__main__":
    split(NearDuplicates(training_references()))
    print(f"wrote the dev and frozen tiers in {SETS}")
