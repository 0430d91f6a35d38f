"""Show how the trained model reads messages: intent, confidence and entities.

Usage: make parse MSG="my son has two phones"   (or several messages as arguments)
Entities are printed in the markup test stories use.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from rasa.core.agent import Agent

MODEL = "models/safeguarding.tar.gz"


def markup(text: str, entities: list) -> str:
    """Write the entities into the text as Rasa training-data markup."""
    for entity in sorted(entities, key=lambda e: -e["start"]):
        start, end = entity["start"], entity["end"]
        label = f'{{"entity": "{entity["entity"]}", "value": "{entity["value"]}"}}'
        text = f"{text[:start]}[{text[start:end]}]{label}{text[end:]}"
    return text


async def main(messages: list) -> None:
    """Parse each message and print one line for it."""
    agent = Agent.load(MODEL)
    for text in messages:
        result = await agent.parse_message(text)
        intent = result["intent"]
        print(f"{intent['name']:22s} {intent['confidence']:.2f} | {markup(text, result['entities'])}")


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    asyncio.run(main(sys.argv[1:]))
