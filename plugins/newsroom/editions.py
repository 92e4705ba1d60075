"""Daily editions: each story's edition address and date, the other stories
of its day, each day's neighbouring editions, and the latest edition for the
front page."""

from __future__ import annotations

EDITION_ASIDE_STORIES = 3  # the other stories of a story's day shown beside it (the edition has them all)


def date_stories(generator) -> None:
    """`edition_url` and `iso_date` on every story, each day's URL formatted once."""
    day_url = generator.settings.get("DAY_ARCHIVE_URL")
    edition_urls: dict = {}
    for article in generator.articles:
        day = article.date.date()
        if day not in edition_urls:
            edition_urls[day] = day_url.format(date=article.date) if day_url else ""
        article.edition_url = edition_urls[day]
        article.iso_date = article.date.isoformat()


def link_editions(generator) -> None:
    """`EDITIONS`: each day with stories -> (previous day, next day), each (date, url) or None."""
    url_format = generator.settings.get("DAY_ARCHIVE_URL")
    if not url_format:
        return
    days = sorted({article.date.date() for article in generator.articles})
    edition = {day: (day, url_format.format(date=day)) for day in days}
    neighbours = {}
    for index, day in enumerate(days):
        previous = edition[days[index - 1]] if index > 0 else None
        following = edition[days[index + 1]] if index + 1 < len(days) else None
        neighbours[(day.year, day.month, day.day)] = (previous, following)
    generator.context["EDITIONS"] = neighbours
    by_day: dict = {}
    for article in generator.articles:  # newest first, a day's stories by slug (ordering.py)
        by_day.setdefault(article.date.date(), []).append(article)
    for stories in by_day.values():
        for article in stories:
            article.edition_stories = [other for other in stories if other is not article][:EDITION_ASIDE_STORIES]
    if days:
        latest = days[-1]
        generator.context["LATEST_EDITION"] = [
            article for article in generator.articles if article.date.date() == latest
        ]
        generator.context["LATEST_EDITION_URL"] = edition[latest][1]
