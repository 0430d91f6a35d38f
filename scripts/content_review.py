"""List the organisation directory entries whose last check is too old.

Usage: make content-review            (older than review_after_months in content/organisations.yml)
       make content-review MONTHS=3   (older than 3 months)

Prints one line per entry that is due, the oldest first, with its source, so
that a person can check it and update last_checked. Exits with 0 either way.
"""

from __future__ import annotations

import argparse
import datetime
import sys

from safeguarding.content.freshness import due_for_review, months_before
from safeguarding.content.loader import get_content


def review(months: int | None, today: datetime.date) -> str:
    """The report, as text."""
    content = get_content()
    months = months or content.directory["review_after_months"]
    due = due_for_review(content.organisations.values(), today, months)
    cutoff = months_before(today, months)
    if not due:
        return f"No entry was last checked before {cutoff} ({months} months before {today})."
    lines = [f"{len(due)} entries were last checked before {cutoff} ({months} months before {today}):"]
    for org in due:
        lines.append(f"  {org['last_checked']}  {org['id']:<24} {org['name']}  (source: {org['source']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print the entries due for a check."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--months", type=int, help="how old a check may be (default: review_after_months)")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    args = parser.parse_args(argv)
    if args.months is not None and args.months < 1:
        parser.error("--months must be 1 or more")
    print(review(args.months, args.today))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
