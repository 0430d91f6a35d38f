"""Which directory entries are due for a fresh check.

Each organisation in content/organisations.yml records when a person last
checked it (last_checked). An entry whose check is older than
review_after_months (or the months asked for) is due: `make content-review`
lists those entries and the staff page marks them "check due". The date is
always passed in, so the result does not depend on the day it runs.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any, Dict, Iterable, List


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def checked_on(org: Dict[str, Any]) -> datetime.date:
    """The date an entry was last checked."""
    return datetime.date.fromisoformat(org["last_checked"])


def due_for_review(
    organisations: Iterable[Dict[str, Any]], today: datetime.date, months: int
) -> List[Dict[str, Any]]:
    """The entries last checked before ``months`` months ago, the oldest first."""
    cutoff = months_before(today, months)
    return sorted((org for org in organisations if checked_on(org) < cutoff), key=checked_on)
