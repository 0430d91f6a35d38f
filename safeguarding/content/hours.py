"""Whether a phone line is open at a given moment, in UK time.

Opening hours live in content/organisations.yml as "24/7", "unconfirmed", or
the days and the UK opening and closing times. The time always comes from a
clock passed in (``uk_now`` in the assistant, a fixed one in tests), and is
read in Europe/London time, so British Summer Time is handled by zoneinfo.
"""

from __future__ import annotations

import datetime
from typing import Any, Callable, Dict, Mapping
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS = "24/7"
UNCONFIRMED = "unconfirmed"

Clock = Callable[[], datetime.datetime]


def uk_now() -> datetime.datetime:
    """The current time in the UK."""
    return datetime.datetime.now(UK)


def is_open(hours: Any, when: datetime.datetime) -> bool | None:
    """True or False for a line with known hours at ``when``; None when its hours are not confirmed."""
    if when.tzinfo is None:
        raise ValueError("give the time with its time zone")
    if hours == ALWAYS:
        return True
    if not isinstance(hours, Mapping):
        return None
    local = when.astimezone(UK)
    if DAYS[local.weekday()] not in hours["days"]:
        return False
    return hours["open"] <= local.strftime("%H:%M") < hours["close"]


def clock_time(hhmm: str) -> str:
    """A 24-hour time in words: "09:00" is "9am", "17:30" is "5:30pm", "12:00" is "12pm"."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}{f':{minute:02d}' if minute else ''}{suffix}"


def days_text(days: list[str], names: Dict[str, str]) -> str:
    """The days a line is open, in words: "every day", "Monday to Friday", "Monday, Wednesday"."""
    chosen = [d for d in DAYS if d in days]
    if len(chosen) == len(DAYS):
        return names["every_day"]
    first, last = DAYS.index(chosen[0]), DAYS.index(chosen[-1])
    if len(chosen) > 2 and chosen == list(DAYS[first : last + 1]):
        return f"{names[chosen[0]]} {names['to']} {names[chosen[-1]]}"
    return ", ".join(names[d] for d in chosen)


def hours_text(hours: Mapping[str, Any], names: Dict[str, str]) -> str:
    """Scheduled hours in words: "every day, 9am to 5pm"."""
    times = f"{clock_time(hours['open'])} {names['to']} {clock_time(hours['close'])}"
    return f"{days_text(hours['days'], names)}, {times}"
