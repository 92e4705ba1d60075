"""Find full dates in text: `Tuesday, April 8, 2025`, `Jan. 5, 2025`, `8 April 2025`.

A date without a year is never accepted: "June 3" in a headline is a plan,
not a publication date, and guessing the year is how archives rot.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"
_FULL_DATE = re.compile(
    rf"\b{_WEEKDAY}(?:{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})\s+{_MONTH.replace('month', 'month2')}\s+(?P<year2>\d{{4}}))\b",
    re.IGNORECASE,
)


def find_dates(text: str) -> list[date]:
    """Every valid full date in `text`, in order of appearance."""
    found = []
    for match in _FULL_DATE.finditer(text):
        month = _MONTHS[(match["month"] or match["month2"]).lower()]
        day = int(match["day"] or match["day2"])
        year = int(match["year"] or match["year2"])
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue  # "February 30, 2025" is a typo, not a date
    return found


def resolve_date(forced: date | None, caption: str, paragraphs: list[str]) -> date | None:
    """The post's date: `--date`, else the caption's date, else the latest in the body."""
    if forced:
        return forced
    in_caption = find_dates(caption)
    if in_caption:
        return in_caption[0]
    in_body = [found for paragraph in paragraphs for found in find_dates(paragraph)]
    return max(in_body) if in_body else None
