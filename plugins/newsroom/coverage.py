"""Coverage at a glance: stories per month, for a chart drawn at build time.

`per_month` is a Jinja filter (registered at `initialized`): from a list of
stories it gives every month from the first story's to the last one's,
empty months included (a gap in coverage is news too), with each bar's
height, so the theme's `coverage_chart` macro only draws. No JavaScript:
the chart is inline SVG, and the same counts are in a table beside it.
"""

from __future__ import annotations

import calendar
from collections import Counter

CHART_HEIGHT = 48  # SVG units; the theme scales the chart to its box


def _months_between(first: tuple[int, int], last: tuple[int, int]):
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def per_month(articles) -> dict | None:
    """Stories per month for a chart and its table; None without stories."""
    counts = Counter((article.date.year, article.date.month) for article in articles)
    if not counts:
        return None
    peak = max(counts.values())
    months = [
        {"label": f"{calendar.month_name[month]} {year}", "short": f"{calendar.month_abbr[month]} {year}",
         "iso": f"{year:04d}-{month:02d}", "count": counts.get((year, month), 0),
         "height": round(CHART_HEIGHT * counts.get((year, month), 0) / peak, 1)}
        for year, month in _months_between(min(counts), max(counts))
    ]
    busiest = max(months, key=lambda item: item["count"])  # the first of equals
    return {"months": months, "total": sum(counts.values()), "peak": busiest, "height": CHART_HEIGHT,
            "first": months[0], "last": months[-1]}


def add_filters(pelican_object) -> None:
    pelican_object.settings.setdefault("JINJA_FILTERS", {})["per_month"] = per_month
