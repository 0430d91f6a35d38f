"""Score the assistant on a measurement set as a parent meets it: over REST, each message a new conversation.

    python -m bench.blind                 # every tier and blind batch
    python -m bench.blind --set batch_02  # one set: dev, frozen, behaviour or a batch

For each message the replies are read as a parent reads them: a full
escalation (the 999 reply with the never-confront advice), a safety check
("Is a child in danger right now?"), some other reply with a 999 line, or
no 999 line at all. Each layer's own verdict comes from the same model's
parse. A blind batch's first score is written to tests/sets/blind/scores.yml
once and never overwritten; later scores are listed beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import subprocess
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Sequence, Tuple

import requests
import yaml

from bench.common import MODEL, ROOT, assistant, remove, work_dir
from bench.sets import BLIND, Labelled, blind_batches, blind_messages, danger_messages, harmless_messages

SCORES = BLIND / "scores.yml"
FULL = "full escalation"
CHECK = "safety check"
LINE = "999 line only"
NONE = "no 999 line"
OUTCOMES = (FULL, CHECK, LINE, NONE)


def _said(text: str) -> str:
    return " ".join(text.lower().split())


def _danger_reply() -> str:
    """The escalation's first reply, the 999 and never-confront response of domain.yml."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return _said(domain["responses"]["utter_danger_999"][0]["text"])


DANGER_REPLY = _danger_reply()


def outcome(replies: Sequence[str]) -> str:
    """What the parent was told: the danger reply (full escalation), a safety check, a 999 line, or none."""
    text = _said("\n".join(replies))
    if "is a child in danger right now" in text:
        return CHECK
    if DANGER_REPLY in text:
        return FULL
    if "999" in text:
        return LINE
    return NONE


@dataclass
class Scored:
    """One message, what the parent was told, and each layer's verdict."""

    message: Labelled
    outcome: str
    replies: List[str]
    layers: Dict[str, bool]


def ask(url: str, message: Labelled) -> List[str]:
    """Send the message (after its earlier turns) in a new conversation; return the replies to it."""
    sender = str(uuid.uuid4())
    replies: List[str] = []
    for text in [*message.turns, message.text]:
        response = requests.post(url, json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        replies = [r.get("text", "") for r in response.json()]
    return replies


LAYERS: Dict[str, Callable[[Dict[str, Any]], bool]] = {
    "detector": lambda p: bool(p.get("danger", {}).get("kinds")),
    "classifier": lambda p: p.get("danger", {}).get("classifier_intent") == "danger",
    "encoder": lambda p: bool(p.get("danger", {}).get("encoder")),
    "assistant": lambda p: p["intent"]["name"] == "danger",
}


def score(sets: Dict[str, List[Labelled]]) -> Dict[str, List[Scored]]:
    """Score every set against one running assistant and one loaded model."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    work = work_dir()
    bot = assistant(work)
    try:
        server = bot.start(work / "logs")
        results: Dict[str, List[Scored]] = {}
        for name, messages in sets.items():
            parses = asyncio.run(_parse_all(agent, [m.text for m in messages]))
            results[name] = [
                Scored(m, outcome(replies := ask(server.rest_url, m)), replies, _layers(p))
                for m, p in zip(messages, parses, strict=True)
            ]
        return results
    finally:
        bot.stop()
        remove(work)


async def _parse_all(agent: Any, texts: List[str]) -> List[Dict[str, Any]]:
    return [await agent.parse_message(text) for text in texts]


def _layers(parse: Dict[str, Any]) -> Dict[str, bool]:
    """Each layer's verdict; a layer the model does not have is left out."""
    present = {name for name in LAYERS if name != "encoder" or "encoder" in parse.get("danger", {})}
    return {name: LAYERS[name](parse) for name in present}


def _present(scored: List[Scored]) -> List[str]:
    return [layer for layer in LAYERS if scored and layer in scored[0].layers]


def _rate(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def summary(scored: List[Scored]) -> Dict[str, Any]:
    """The figures of one set: sizes, outcome rates, each layer's recall and false alarms, the misses."""
    danger = [s for s in scored if s.message.danger]
    harmless = [s for s in scored if not s.message.danger]
    return {
        "danger": {
            "messages": len(danger),
            "full escalation": _rate(sum(s.outcome == FULL for s in danger), len(danger)),
            "999 line": _rate(sum(s.outcome != NONE for s in danger), len(danger)),
            "layers recall": {
                layer: _rate(sum(s.layers[layer] for s in danger), len(danger)) for layer in _present(scored)
            },
            "missed": [
                {"text": s.message.text, "kind": s.message.kind, "told": s.outcome}
                for s in danger
                if s.outcome != FULL
            ],
        },
        "harmless": {
            "messages": len(harmless),
            "full escalation": _rate(sum(s.outcome == FULL for s in harmless), len(harmless)),
            "safety check": _rate(sum(s.outcome == CHECK for s in harmless), len(harmless)),
            "layers false alarms": {
                layer: _rate(sum(s.layers[layer] for s in harmless), len(harmless))
                for layer in _present(scored)
            },
            "escalated": [s.message.text for s in harmless if s.outcome == FULL],
        },
    }


# --- the other kinds of blind message: warning signs, intents, service requests, confront, worries ----------

# Replies that turn a parent away: out of scope, start again, goodbye, not understood.
DISMISSALS = ("can't help with that", "let's start again", "take care.", "didn't quite understand")
# The services a request for each kind of help must name (any one of them).
SERVICES = {
    "childline": ("Childline",),
    "crimestoppers": ("Crimestoppers", "Fearless"),
    "fearless": ("Fearless", "Crimestoppers"),
    "act_early": ("ACT Early",),
    "ceop": ("CEOP",),
    "missing": ("Missing People",),
    "nspcc_helpline": ("NSPCC Helpline",),
}


def dismissed(replies: Sequence[str]) -> bool:
    """True when the replies turn the parent away instead of taking up what they said."""
    text = "\n".join(replies).lower()
    return any(marker in text for marker in DISMISSALS)


def escalated(replies: Sequence[Sequence[str]]) -> float:
    """The share of the replies that are the full danger escalation."""
    return _rate(sum(outcome(r) == FULL for r in replies), len(replies))


def _load(batch: str, part: str) -> List[Dict[str, Any]]:
    path = BLIND / f"{batch}_{part}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"] if path.exists() else []


def score_stories(batch: str) -> Dict[str, Any]:
    """Signs, intents, service requests, confront and worries of a blind batch, over REST and the parse."""
    from rasa.core.agent import Agent
    from sklearn.metrics import f1_score

    agent = Agent.load(str(MODEL))
    work = work_dir()
    bot = assistant(work)
    figures: Dict[str, Any] = {}
    try:
        url = bot.start(work / "logs").rest_url

        def replies_to(items: List[Dict[str, Any]]) -> List[List[str]]:
            return [ask(url, Labelled(i["text"], False)) for i in items]

        signs = _load(batch, "signs")
        if signs:
            parses = asyncio.run(_parse_all(agent, [i["text"] for i in signs]))
            found = [{e["value"] for e in p["entities"] if e["entity"] == "warning_sign"} for p in parses]
            gold = [set(i["signs"]) for i in signs]
            hits = sum(len(f & g) for f, g in zip(found, gold, strict=True))
            said = sum(len(f) for f in found)
            wanted = sum(len(g) for g in gold)
            replies = replies_to(signs)
            figures["signs"] = {
                "messages": len(signs),
                "precision": _rate(hits, said),
                "recall": _rate(hits, wanted),
                "turned away": _rate(sum(dismissed(r) for r in replies), len(signs)),
                "escalated to 999": escalated(replies),
            }
        intents = _load(batch, "intents")
        if intents:
            parses = asyncio.run(_parse_all(agent, [i["text"] for i in intents]))
            gold = [i["intent"] for i in intents]
            predicted = [p["intent"]["name"] for p in parses]
            labels = sorted(set(gold))
            macro = f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)
            figures["intents"] = {"messages": len(intents), "macro F1": round(float(macro), 4)}
        # Each reply to a request, a confront message or a worry is judged on its own; none of them is
        # danger, so a full escalation is counted too.
        judged: List[Tuple[str, str, str, Callable[[Dict[str, Any], List[str]], bool]]] = [
            (
                "requests",
                "service requests",
                "answered with the matching service",
                lambda item, reply: any(name in " ".join(reply) for name in SERVICES[item["service"]]),
            ),
            (
                "confront",
                "confront",
                "never-confront advice",
                lambda _, reply: "confront" in " ".join(reply).lower(),
            ),
            ("worries", "worries", "turned away", lambda _, reply: dismissed(reply)),
        ]
        for part, title, measure, judge in judged:
            items = _load(batch, part)
            if items:
                replies = replies_to(items)
                count = sum(judge(i, r) for i, r in zip(items, replies, strict=True))
                figures[title] = {
                    "messages": len(items),
                    measure: _rate(count, len(items)),
                    "escalated to 999": escalated(replies),
                }
        return figures
    finally:
        bot.stop()
        remove(work)


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def record(batch: str, figures: Dict[str, Any]) -> None:
    """Keep a blind batch's first score for good; list every later score beside it."""
    scores = yaml.safe_load(SCORES.read_text(encoding="utf-8")) if SCORES.exists() else {}
    scores = scores or {}
    entry = {"date": datetime.date.today().isoformat(), "commit": _commit(), **figures}
    if batch not in scores:
        scores[batch] = {"first score": entry, "later scores": []}
    else:
        later = {k: v for k, v in entry.items() if k in ("date", "commit")}
        later["danger full escalation"] = figures["danger"]["full escalation"]
        later["danger 999 line"] = figures["danger"]["999 line"]
        later["harmless full escalation"] = figures["harmless"]["full escalation"]
        later["harmless safety check"] = figures["harmless"]["safety check"]
        for part in ("signs", "intents", "service requests", "confront", "worries"):
            if part in figures:
                later[part] = {k: v for k, v in figures[part].items() if k != "messages"}
        scores[batch]["later scores"].append(later)
    header = (
        "# Blind batches' scores. The first score of each batch was taken before any change it\n"
        "# could inspire, and is never overwritten; later scores are listed beside it.\n"
    )
    SCORES.write_text(header + yaml.safe_dump(scores, sort_keys=False, allow_unicode=True, width=10_000))


def _print(name: str, figures: Dict[str, Any]) -> None:
    d, h = figures["danger"], figures["harmless"]
    print(
        f"{name}: danger {d['messages']}: full escalation {d['full escalation']:.3f}, "
        f"999 line {d['999 line']:.3f}; harmless {h['messages']}: escalated {h['full escalation']:.3f}, "
        f"safety check {h['safety check']:.3f}"
    )
    print(f"  layers, danger recall: {d['layers recall']}")
    print(f"  layers, harmless false alarms: {h['layers false alarms']}")


def quiet() -> None:
    """Keep Rasa's per-message debug lines out of the report."""
    import logging

    import structlog

    logging.basicConfig(level=logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def score_behaviour() -> Dict[str, Any]:
    """The behavioural suite over REST: the share of variants answered right, by how each was made."""
    from bench.behaviour import report, variants

    suite = variants()
    messages = [Labelled(v.text, v.danger, v.kind) for v in suite]
    scored = score({"behaviour": messages})["behaviour"]
    escalated = {v: s.outcome == FULL for v, s in zip(suite, scored, strict=True)}
    checked = sum(s.outcome == CHECK for s in scored if not s.message.danger)
    return {
        "variants": len(suite),
        "answered right": report(escalated),
        "safety checks on negations and hypotheticals": _rate(checked, sum(not v.danger for v in suite)),
    }


def main() -> None:
    """Score the chosen sets and print (and for blind batches, record) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", help="dev, frozen or a blind batch name; default all")
    parser.add_argument("--no-record", action="store_true", help="print only; do not write scores.yml")
    args = parser.parse_args()
    quiet()
    names = args.set or ["dev", "frozen", *blind_batches(), "behaviour"]
    if "behaviour" in names:
        names.remove("behaviour")
        print(f"behaviour: {json.dumps(score_behaviour(), indent=1)}")
    sets = {
        name: (danger_messages(name) + harmless_messages(name))
        if name in ("dev", "frozen")
        else blind_messages(name)
        for name in names
    }
    for name, scored in score(sets).items():
        figures = summary(scored)
        _print(name, figures)
        if name.startswith("batch_"):
            stories = score_stories(name)
            print(f"  {stories}")
            figures = {**figures, **stories}
            if not args.no_record:
                record(name, figures)
    (ROOT / "results").mkdir(exist_ok=True)


if __name__ == "__main__":
    main()
