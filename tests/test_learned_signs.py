"""Warning signs as the trained assistant reads them: the patterns and the learned reader together.

tests/test_sign_extractor.py measures the patterns alone; here every phrasing
of tests/sets/signs_dev.yml and signs_frozen.yml goes through the whole NLU
pipeline, and the signs in its entities are scored over (message, sign)
pairs. The figures go to results/signs-assistant.json. The dev tier (tuned
on) holds the aims; the frozen tier (never tuned on) is held where it stands.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "results" / "signs-assistant.json"
TIERS = ("dev", "frozen")
PHRASINGS = {
    tier: yaml.safe_load((ROOT / "tests" / "sets" / f"signs_{tier}.yml").read_text(encoding="utf-8"))[
        "phrasings"
    ]
    for tier in TIERS
}
# Where the frozen tier stands (precision 0.914, recall 0.730; the patterns alone: 0.922 and 0.476): a change
# may not make it worse. The aim is 0.95 and 0.90. (When the learned reader joined the patterns it was 0.906
# and 0.661; its second set of examples, data/warning_signs/parents_c.yml, raised it to 0.914 and 0.730.)
FLOOR = {"dev": {"precision": 0.95, "recall": 0.95}, "frozen": {"precision": 0.91, "recall": 0.72}}


def _score(items, found) -> dict:
    tp = fp = fn = 0
    misses, false_alarms = [], []
    for item, signs in zip(items, found, strict=True):
        expected = set(item["signs"])
        tp, fp, fn = tp + len(signs & expected), fp + len(signs - expected), fn + len(expected - signs)
        misses += [{"text": item["text"], "sign": s} for s in sorted(expected - signs)]
        false_alarms += [{"text": item["text"], "sign": s} for s in sorted(signs - expected)]
    return {
        "phrasings": len(items),
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "misses": misses,
        "false positives": false_alarms,
    }


@pytest.mark.model
def test_the_assistant_finds_the_signs_of_each_tier(agent):
    async def signs(texts):
        found = []
        for text in texts:
            parsed = await agent.parse_message(text)
            found.append({e["value"] for e in parsed["entities"] if e["entity"] == "warning_sign"})
        return found

    report = {}
    for tier in TIERS:
        report[tier] = _score(PHRASINGS[tier], asyncio.run(signs([i["text"] for i in PHRASINGS[tier]])))
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2))
    for tier in TIERS:
        assert report[tier]["precision"] >= FLOOR[tier]["precision"], (tier, report[tier]["false positives"])
        assert report[tier]["recall"] >= FLOOR[tier]["recall"], (tier, report[tier]["misses"])
