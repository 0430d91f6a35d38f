"""The test tiers: which tier a test is in, and a check that it may use the model or start servers.

Kept out of conftest.py, which pytest imports under its own name: this
module is one and the same wherever it is imported from.
"""

from __future__ import annotations

from typing import List

import pytest

TIERS = ("unit", "model", "system")
# The tier of the test being set up (a system test may use the model too).
_CURRENT: List[str] = ["unit"]


def tier(item: pytest.Item) -> str:
    """The tier a test is in: its mark, or "unit"."""
    marks = {mark.name for mark in item.iter_markers()}
    return next((name for name in reversed(TIERS) if name in marks), "unit")


def note(item: pytest.Item) -> None:
    """Remember the tier of the test about to be set up."""
    _CURRENT[:] = [tier(item)]


def require(needed: str, what: str) -> None:
    """Fail the current test unless it is marked for the tier that ``what`` needs, or a higher one."""
    if TIERS.index(_CURRENT[0]) < TIERS.index(needed):
        pytest.fail(f"{what} is for tests marked @pytest.mark.{needed} (tests/conftest.py)", pytrace=False)
