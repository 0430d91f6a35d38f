"""Who is asking, when it is not the child's parent: a relative or family friend, or school staff.

The words that tell them apart are in content/guidance.yml (``askers``): each
asker has phrases matched as whole words on the normalised message (lower
case, straight quotes, text-speak expanded), a note said to them, and the
words that address them ("the child" for "your child"). The first asker in
the file whose phrase is found wins, so school staff come before relatives.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Dict, Iterable, List, Pattern, Tuple

from safeguarding.content.loader import Content
from safeguarding.nlu.text import normalise


@cache
def _compiled(phrases: Tuple[str, ...]) -> Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])")


def recognise(text: str, content: Content) -> str | None:
    """The asker a message names ("my niece", "a pupil in my class"), or None."""
    said = normalise(text or "", content.lexicon["text_speak"])
    for asker_id, asker in content.guidance["askers"].items():
        if _compiled(tuple(asker["phrases"])).search(said):
            return asker_id
    return None


def asker_in_conversation(texts: Iterable[str], content: Content) -> Tuple[str | None, bool]:
    """The asker last named in the messages (oldest first), and whether the latest is the first to."""
    messages: List[str] = list(texts)
    for index in range(len(messages) - 1, -1, -1):
        found = recognise(messages[index], content)
        if found:
            first = all(recognise(m, content) != found for m in messages[:index])
            return found, index == len(messages) - 1 and first
    return None, False


def address(text: str, asker: Dict[str, Any]) -> str:
    """Word a reply for the asker: "your child" becomes "the child", and so on."""
    for words, instead in asker["words"].items():
        text = re.sub(rf"\b{re.escape(words)}\b", instead, text)
        text = re.sub(rf"\b{re.escape(words.capitalize())}\b", instead.capitalize(), text)
    return text
