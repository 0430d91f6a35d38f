"""Keep the measurement sets' two tiers honest: dev (tune on it freely) and frozen (never tuned on).

    python -m bench.tiers                    (make tiers)
    python -m bench.tiers --new-frozen DIR   (make tiers FROZEN=DIR)

A message stays in the tier it was filed in, with one exception: a frozen
message that nearly repeats an example the assistant learns from moves to
dev, because it is no longer new to the assistant. New messages written
while tuning go into the dev files by hand. The frozen tier only grows from
a set written in one go by someone who has not seen the lexicon, the
training data or the failures: ``--new-frozen DIR`` reads such a set
(danger.yml, harmless.yml, nlu.yml and signs.yml in the tiers' formats),
moves every current frozen message into dev (it has been looked at) and
makes the new set the frozen tier. The tests check that the files are as
this script leaves them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Dict, List

import yaml

from bench.sets import SETS, NearDuplicates, key, training_references

TIERS = ("dev", "frozen")
NAMES = ("danger", "harmless", "signs", "nlu")
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


def text_of(item: Any) -> str:
    """The text a set's item is judged by: a conversation's last turn, a mapping's text, or the string."""
    if isinstance(item, list):
        return item[-1]
    if isinstance(item, dict):
        return item["text"]
    return item


# --- reading and writing the sets, each as {group: [items]} ---------------------------------------------


def _groups(set_name: str, data: Dict[str, Any]) -> Dict[str, List[Any]]:
    """A set file's items by group: danger kinds and conversations, intents, or one list."""
    if set_name == "danger":
        groups = {kind: list(texts or []) for kind, texts in data["kinds"].items()}
        groups["conversations"] = list(data.get("conversations") or [])
        return groups
    if set_name == "nlu":
        return {
            block["intent"]: [
                line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")
            ]
            for block in data.get("nlu", [])
        }
    field = "messages" if set_name == "harmless" else "phrasings"
    return {field: list(data[field])}


def read(path: Path, set_name: str) -> Dict[str, List[Any]]:
    """The items of one set file, by group."""
    return _groups(set_name, yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


def _body(set_name: str, groups: Dict[str, List[Any]]) -> str:
    if set_name == "danger":
        kinds = {k: v for k, v in groups.items() if k != "conversations"}
        return _yaml({"version": 1, "kinds": kinds, "conversations": groups.get("conversations", [])})
    if set_name == "nlu":
        blocks = [
            f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {t}\n" for t in texts)
            for intent, texts in groups.items()
            if texts
        ]
        return 'version: "3.1"\n\nnlu:\n' + "\n".join(blocks)
    return _yaml({"version": 1, **groups})


def write(set_name: str, tier: str, groups: Dict[str, List[Any]]) -> None:
    """Write one tier file of a set."""
    text = HEADERS[set_name].format(tier=tier) + FOOTER[tier] + _body(set_name, groups)
    (SETS / f"{set_name}_{tier}.yml").write_text(text, encoding="utf-8")


# --- filing ---------------------------------------------------------------------------------------------


def file_tiers(
    dev: Dict[str, List[Any]], frozen: Dict[str, List[Any]], near: NearDuplicates
) -> Dict[str, Dict[str, List[Any]]]:
    """The tiers after filing: dev keeps its items; frozen loses what dev has or training nearly repeats."""
    out: Dict[str, Dict[str, List[Any]]] = {"dev": {g: list(v) for g, v in dev.items()}, "frozen": {}}
    seen = {key(text_of(item)) for items in dev.values() for item in items}
    for group, items in frozen.items():
        out["dev"].setdefault(group, [])
        out["frozen"][group] = []
        for item in items:
            text = text_of(item)
            if key(text) in seen:
                continue
            seen.add(key(text))
            out["dev" if near.of(text) else "frozen"][group].append(item)
    return out


def retire(old_frozen: Dict[str, List[Any]], dev: Dict[str, List[Any]]) -> Dict[str, List[Any]]:
    """Dev with the old frozen tier's items added after its own."""
    merged = {g: list(v) for g, v in dev.items()}
    for group, items in old_frozen.items():
        merged.setdefault(group, []).extend(items)
    return merged


def main(new_frozen: Path | None = None) -> None:
    """Re-file every set; with ``new_frozen``, first retire the frozen tier into dev and take the new set."""
    near = NearDuplicates(training_references())
    for set_name in NAMES:
        dev = read(SETS / f"{set_name}_dev.yml", set_name)
        frozen = read(SETS / f"{set_name}_frozen.yml", set_name)
        if new_frozen is not None:
            dev, frozen = retire(frozen, dev), read(new_frozen / f"{set_name}.yml", set_name)
        filed = file_tiers(dev, frozen, near)
        for tier in TIERS:
            write(set_name, tier, filed[tier])
        moved = sum(len(v) for v in frozen.values()) - sum(len(v) for v in filed["frozen"].values())
        print(
            f"{set_name}: {sum(len(v) for v in filed['dev'].values())} dev, "
            f"{sum(len(v) for v in filed['frozen'].values())} frozen ({moved} left frozen for dev)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--new-frozen", type=Path, help="a freshly written set that becomes the frozen tier")
    main(parser.parse_args().new_frozen)
