"""Opening hours said for the time of the message, in UK time, with a fixed clock."""

from __future__ import annotations

import datetime
import re

import pytest

from actions.danger import ActionDangerFollowup
from actions.signposts import ActionSignpostPerson, ActionSignpostReport
from safeguarding.content import hours
from safeguarding.content.loader import get_content
from tests.test_actions import ent, run, texts, tracker

UTC = datetime.timezone.utc
CONTENT = get_content()
ACT_EARLY = CONTENT.organisation("act_early")["hours"]


def at(*when: int) -> datetime.datetime:
    """A moment given in UTC."""
    return datetime.datetime(*when, tzinfo=UTC)


def clock(*when: int) -> hours.Clock:
    return lambda: at(*when)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(2026, 11, 30, 9, 0), True),  # Monday 9am GMT: opens
        (at(2026, 11, 30, 16, 59), True),
        (at(2026, 11, 30, 17, 0), False),  # 5pm GMT: closed
        (at(2026, 11, 29, 8, 59), False),  # Sunday before 9am
        (at(2026, 12, 25, 12, 0), True),  # every day, Christmas too
        # British Summer Time: 8:30 UTC is 9:30 in London in July, 8:30 in March before the change.
        (at(2026, 7, 1, 8, 30), True),
        (at(2026, 7, 1, 16, 30), False),  # 5:30pm BST
        (at(2026, 3, 28, 8, 30), False),  # Saturday, still GMT
        (at(2026, 3, 29, 8, 30), True),  # Sunday, the clocks went forward at 1am
    ],
)
def test_act_early_is_open_9_to_5_uk_time_every_day(when, expected):
    assert hours.is_open(ACT_EARLY, when) is expected


def test_24_7_is_always_open_and_unconfirmed_hours_are_never_guessed():
    assert hours.is_open("24/7", at(2026, 11, 30, 3, 0)) is True
    assert hours.is_open("unconfirmed", at(2026, 11, 30, 12, 0)) is None
    with pytest.raises(ValueError):
        hours.is_open(ACT_EARLY, datetime.datetime(2026, 11, 30, 12, 0))


def test_hours_in_words():
    names = CONTENT.guidance["day_names"]
    assert hours.hours_text(ACT_EARLY, names) == "every day, 9am to 5pm"
    weekdays = {"days": ["mon", "tue", "wed", "thu", "fri"], "open": "08:30", "close": "12:00"}
    assert hours.hours_text(weekdays, names) == "Monday to Friday, 8:30am to 12pm"
    assert hours.days_text(["sat", "mon"], names) == "Monday, Saturday"


def _act_early_paragraph(text: str) -> str:
    return next(p for p in text.split("\n\n") if p.startswith("ACT Early Support Line"))


def test_act_early_says_it_is_open_now_during_the_day():
    action = ActionSignpostReport(clock=clock(2026, 11, 30, 10, 0))
    text = texts(run(action, tracker("ask_report", entities=[ent("topic", "radicalisation")]))[0])
    paragraph = _act_early_paragraph(text)
    assert "Phone 0800 011 3764 (open every day, 9am to 5pm, UK time: open now)" in paragraph
    assert "While it is closed" not in paragraph


def test_act_early_says_it_is_closed_at_night_and_what_to_use_instead():
    action = ActionSignpostReport(clock=clock(2026, 7, 1, 16, 30))  # 5:30pm BST
    text = texts(run(action, tracker("ask_report", entities=[ent("topic", "radicalisation")]))[0])
    paragraph = _act_early_paragraph(text)
    assert "(open every day, 9am to 5pm, UK time: closed now)" in paragraph
    assert "Out of hours, calls are passed to specialist counter-terrorism officers." in paragraph
    assert "While it is closed: Anti-Terrorist Hotline, 0800 789 321 (open 24/7)." in paragraph


@pytest.mark.parametrize("when", [(2026, 11, 30, 3, 0), (2026, 11, 30, 12, 0)])
def test_the_nspcc_helpline_never_states_a_time_and_gives_the_24_7_alternative(when):
    text = texts(run(ActionSignpostPerson(clock=clock(*when)), tracker("ask_human"))[0])
    assert "0808 800 5000 (opening hours not confirmed: check their website)" in text
    assert "If you can't get through: Police non-emergency number, 101 (open 24/7)." in text
    assert not re.search(r"\b\d{1,2}(:\d\d)?\s?(am|pm)\b|open now|closed now", text)


def test_a_missing_child_gets_missing_people_with_unconfirmed_hours_and_the_police():
    t = tracker("danger", "my daughter has gone missing", danger={"kinds": ["missing_child"]})
    text = texts(run(ActionDangerFollowup(clock=clock(2026, 11, 30, 2, 0)), t)[0])
    assert "Missing People" in text and "116 000" in text
    assert "opening hours not confirmed" in text
    assert "Police non-emergency number" in text and "101" in text


def test_lines_with_unconfirmed_hours_are_recorded_as_unconfirmed(content):
    for org_id in ("nspcc_helpline", "missing_people"):
        org = content.organisation(org_id)
        assert org["hours"] == "unconfirmed"
        assert "conflict" in org["notes"]
    for org in content.organisations.values():
        if org.get("hours") not in (None, "24/7"):
            alternatives = [content.organisation(i) for i in org["when_closed"]]
            assert all(alt["hours"] == "24/7" for alt in alternatives), org["id"]
