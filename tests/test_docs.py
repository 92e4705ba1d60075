"""The README tells the truth: every command, file and package it names exists,
and every number it quotes from the code (page and feed sizes) is the code's."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# Named but not shipped: examples of an editor's own files, and the list the
# converter starts at the first deletion.
NOT_SHIPPED = {"content/raw/ferry.txt", "content/raw/harbour.html", "content/raw/today.urls",
               "content/raw/gazette.rss", "content/articles/2025-04-08-some-story.md",
               "content/articles/removed.tsv"}


def test_every_make_target_the_readme_names_exists():
    named = set(re.findall(r"\bmake ([a-z]+(?:-[a-z]+)*)\b", README))
    targets = set(re.findall(r"^([a-z]+(?:-[a-z]+)*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE))
    assert {"html", "test", "serve", "publish"} <= named
    assert sorted(named - targets) == []


def test_every_project_file_the_readme_names_exists():
    paths = set(re.findall(r"`((?:scripts|plugins|tests|theme|content|\.github)/[\w./-]+)`", README))
    paths |= {f"scripts/{p}" for p in re.findall(r"`(ingest/[\w.]+\.py)`", README)}
    assert len(paths) > 10
    assert sorted(p for p in paths - NOT_SHIPPED if not (ROOT / p).exists() and "<" not in p) == []


def test_every_package_the_readme_links_is_pinned():
    locks = (ROOT / "requirements").glob("*.txt")
    pinned = {line.split("==")[0].lower().replace("_", "-") for lock in locks
              for line in lock.read_text().splitlines() if "==" in line}
    linked = {name.lower().replace("_", "-") for name in re.findall(r"https://pypi\.org/project/([\w-]+)", README)}
    used = {name.lower().replace("_", "-") for name in re.findall(r"From PyPI: `([\w-]+)`", README)}
    assert linked | used
    assert sorted((linked | used) - pinned) == []


def settings() -> dict:
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelican.conf.py"))


def search_page_size() -> int:
    script = (ROOT / "theme/static/js/search.js").read_text(encoding="utf-8")
    return int(re.search(r"const PAGE_SIZE = (\d+);", script)[1])


def quoted_numbers() -> dict[str, tuple[str, int]]:
    """What the README says, as a pattern whose numbers it captures, and the value in the code it must state."""
    from search_index import YEAR_BUNDLE_MAX

    given = settings()
    listing, feed, topic_feed = given["LISTING_PAGE_STORIES"], given["FEED_MAX_ITEMS"], given["LISTING_FEED_MAX_ITEMS"]
    return {
        "stories a listing page holds": (r"\b(\d+) a page\b", listing),
        "where listings paginate": (r"paginates at (\d+)", listing),
        "what a listing's own address shows": (r"\((\d+) to \d+ headlines\)", listing),
        "the headlines of a topic's first page": (r"first (\d+) stories, page 2 the next", listing),
        "a desk's summarised stories": (r"summarises its newest (\d+)", given["DESK_FRONT_SUMMARIES"]),
        "topic and desk feeds": (r"[Tt]opic and desk feeds carry their newest (\d+)", topic_feed),
        "a topic's feed": (r"each topic's, desk's and outlet's with its newest (\d+), summaries only", topic_feed),
        "full-text feeds": (r"newest (\d+) (?:stories )?in full text", feed),
        "feed entries": (r"(\d+) (?:full-text )?entries", feed),
        "search results a page": (r"Results come (\d+) at a time", search_page_size()),
        "a year's search bundle": (r"more than ([\d,]+) stories", YEAR_BUNDLE_MAX),
    }


@pytest.mark.parametrize("what", list(quoted_numbers()))
def test_the_readme_states_the_number_the_code_uses(what):
    pattern, value = quoted_numbers()[what]
    quoted = [int(number.replace(",", "")) for number in re.findall(pattern, README)]
    assert quoted, f"the README no longer says {what!r} ({pattern})"
    assert set(quoted) == {value}, what


def test_no_topic_or_desk_feed_is_said_to_carry_full_text():
    """The topic and desk feeds carry summaries only (plugins/newsroom/incremental.py)."""
    assert not re.search(r"full[- ]text entries per (tag|topic|desk)", README)
    assert not re.search(r"capped at \d+ entries per tag", README)
