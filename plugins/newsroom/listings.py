"""Listing pages whose addresses keep their stories: pages counted from the oldest.

Pelican numbers a listing's pages from the newest story, so each new story
moves every story of a topic, a desk or a month one place along, and every
page of that listing changes: 74 pages of one desk and 125 of one year for
one new story at 10,000 stories, each to be rendered and uploaded again.

Here the older pages are cut from the oldest story on: page 1 holds a
listing's first `per_page` stories, page 2 the next, and a full page never
changes again (its address is good for a bookmark, a search engine and a
cache). The listing's own address shows everything newer than the last full
page: `per_page` to `2 * per_page - 1` stories, newest first. A new story
changes that first page, and once in `per_page` stories adds one page and
relinks the one before it.

Each page is a plain dict, so the incremental writer fingerprints exactly
what it shows.
"""

from __future__ import annotations

import posixpath


def page_address(pattern: tuple[str, str], name: str, url: str, number: int) -> tuple[str, str]:
    """(url, save_as) of older page `number`, by the settings' pattern for pages after the first."""
    base_name = posixpath.dirname(name)
    if posixpath.basename(name) != "index.html":
        base_name = posixpath.splitext(name)[0]
    fields = {"base_name": base_name, "number": number, "url": url, "save_as": name, "name": base_name}
    return pattern[0].format(**fields), pattern[1].format(**fields)


def later_pattern(settings: dict) -> tuple[str, str]:
    """The PAGINATION_PATTERNS entry for pages after the first: (url, save_as)."""
    later = [entry for entry in settings["PAGINATION_PATTERNS"] if int(entry[0]) > 1]
    _, url, save_as = min(later, key=lambda entry: int(entry[0])) if later else \
        (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html")
    return url, save_as


def listing_pages(name: str, url: str, stories: list, per_page: int, pattern: tuple[str, str]) -> list[dict]:
    """The pages of a listing (stories newest first): its first page, then the
    full older pages, newest first. Each: number (0 for the first page), url,
    save_as, stories, newer and older (urls or None), first (bool)."""
    count = len(stories)
    full = max(0, count // per_page - 1)  # full pages kept apart: the first page keeps one to two pages' worth
    older = []
    for number in range(full, 0, -1):  # newest of them first
        start = count - number * per_page  # where the page's newest story is in `stories`
        page_url, save_as = page_address(pattern, name, url, number)
        older.append({"number": number, "url": page_url, "save_as": save_as, "first": False,
                      "stories": stories[start:start + per_page]})
    first = {"number": 0, "url": url, "save_as": name, "first": True,
             "stories": stories[:count - full * per_page]}
    pages = [first, *older]
    for position, page in enumerate(pages):
        page["newer"] = pages[position - 1]["url"] if position else None
        page["older"] = pages[position + 1]["url"] if position + 1 < len(pages) else None
    return pages
