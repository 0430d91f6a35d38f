"""Directory entries due for a fresh check: `make content-review` and the staff page, with fixed dates."""

from __future__ import annotations

import datetime
import subprocess
from html import unescape

import pytest

from safeguarding.content.freshness import due_for_review, months_before
from safeguarding.content.loader import get_content
from scripts.content_review import main
from tests.conftest import ROOT
from web.pages import build_staff_page

CONTENT = get_content()
DAY = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (DAY(2026, 11, 29), 6, DAY(2026, 5, 29)),
        (DAY(2026, 8, 31), 6, DAY(2026, 2, 28)),  # February is shorter
        (DAY(2026, 1, 15), 3, DAY(2025, 10, 15)),  # across a new year
        (DAY(2028, 8, 31), 6, DAY(2028, 2, 29)),  # leap year
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def _orgs(*checked: str):
    return [{"id": f"org{i}", "last_checked": date} for i, date in enumerate(checked)]


def test_an_entry_is_due_once_its_check_is_older_than_the_age_given():
    orgs = _orgs("2026-05-28", "2026-05-29", "2026-11-01", "2025-01-01")
    due = due_for_review(orgs, DAY(2026, 11, 29), 6)
    assert [o["last_checked"] for o in due] == ["2025-01-01", "2026-05-28"]  # the oldest first
    assert [o["id"] for o in due_for_review(orgs, DAY(2026, 11, 29), 3)] == ["org3", "org0", "org1"]


def test_content_review_lists_the_entries_due(capsys):
    # On 2027-05-26 the checks of 2026-11-24 are more than 6 months old, those of 2026-11-29 not.
    main(["--today", "2027-05-26"])
    out = capsys.readouterr().out
    old = [o for o in CONTENT.organisations.values() if o["last_checked"] == "2026-11-24"]
    fresh = [o for o in CONTENT.organisations.values() if o["last_checked"] == "2026-11-29"]
    assert old and fresh
    assert out.startswith(
        f"{len(old)} entries were last checked before 2026-11-26 (6 months before 2027-05-26):"
    )
    for org in old:
        assert f"2026-11-24  {org['id']}" in out
    for org in fresh:
        assert f" {org['id']} " not in out


def test_content_review_takes_the_age_in_months(capsys):
    main(["--today", "2027-02-27", "--months", "3"])
    assert "3 months before 2027-02-27" in capsys.readouterr().out
    main(["--today", "2026-12-01", "--months", "3"])
    assert capsys.readouterr().out.startswith("No entry was last checked before 2026-09-01")


def test_make_content_review_passes_months_on():
    dry = subprocess.run(
        ["make", "-n", "content-review", "MONTHS=3"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "scripts/content_review.py --months 3" in dry
    default = subprocess.run(
        ["make", "-n", "content-review"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "--months" not in default


def _staff_page(tmp_path, built: datetime.date) -> str:
    build_staff_page(tmp_path, CONTENT, built)
    return unescape((tmp_path / "staff" / "index.html").read_text(encoding="utf-8"))


def _service_card(html: str, org_id: str) -> str:
    start = html.index(f'id="service-{org_id}"')
    return html[start : html.index("</article>", start)]


def test_the_staff_page_marks_entries_whose_check_is_due(tmp_path):
    html = _staff_page(tmp_path, DAY(2027, 5, 26))
    old = _service_card(html, "crimestoppers")  # last checked 2026-11-24
    fresh = _service_card(html, "ceop")  # last checked 2026-11-29
    assert "check-due" in old and "Check due" in old
    assert "Last checked more than 6 months ago: check it before relying on it." in old
    assert "Check due" not in fresh and "check-due" not in fresh


def test_nothing_is_marked_due_when_every_check_is_recent(tmp_path):
    html = _staff_page(tmp_path, DAY(2026, 12, 1))
    assert "Check due" not in html
