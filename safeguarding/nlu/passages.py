"""The passages of a long message, read one by one as well as whole.

Parents tell a story and the danger is often in its last sentence. A
sentence encoder reads at most 128 word pieces and averages over what it
reads, so a long story's last sentence is cut off or drowned by the rest.
The danger classifier therefore also scores each passage of a message that
has more than one: each sentence and each pair of neighbouring sentences
(a sentence with no full stop of its own is cut into overlapping runs of
words), and the message is as dangerous as its most dangerous passage.
"""

from __future__ import annotations

import re
from typing import List

# Where a sentence ends: . ! ? or a line break, followed by space (not "3.5" or "e.g.x").
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+|\n+")
# A run of words this long is cut into windows of WINDOW words, STRIDE apart.
LONGEST = 40
WINDOW = 30
STRIDE = 15


def _windows(sentence: str) -> List[str]:
    words = sentence.split()
    if len(words) <= LONGEST:
        return [sentence]
    starts = range(0, len(words) - WINDOW + STRIDE, STRIDE)
    return [" ".join(words[start : start + WINDOW]) for start in starts]


def sentences(text: str) -> List[str]:
    """The message's sentences, a long one cut into overlapping windows of words."""
    found = [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
    return [window for sentence in found for window in _windows(sentence)]


def passages(text: str) -> List[str]:
    """Each sentence and each pair of neighbours, when the message has more than one sentence; else none."""
    parts = sentences(text)
    if len(parts) < 2:
        return []
    pairs = [f"{a} {b}" for a, b in zip(parts[:-1], parts[1:], strict=True)]
    return parts + pairs
