"""Listing pages counted from the oldest: an older page keeps its stories and its address.

What a reader notices: page 3 of a topic still shows what it showed yesterday
(a bookmark holds); what the deploy notices: a new story changes a listing's
first page, not all of them.
"""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup
from conftest import convert_corpus
from newsroom.listings import listing_pages
from sitebuild import build_site

PATTERN = ("{base_name}/page/{number}/", "{base_name}/page/{number}/index.html")


def pages_of(count: int, per_page: int = 5) -> list[dict]:
    stories = list(range(count, 0, -1))  # story n is the n-th published; newest first
    return listing_pages("tag/x/index.html", "tag/x/", stories, per_page, PATTERN)


@pytest.mark.parametrize("count", [0, 1, 4, 5, 9, 10, 11, 14, 15, 16, 37])
def test_every_story_is_on_exactly_one_page_newest_first(count):
    pages = pages_of(count)
    shown = [story for page in pages for story in page["stories"]]
    assert shown == list(range(count, 0, -1))
    first = pages[0]
    assert first["first"] and first["url"] == "tag/x/" and first["save_as"] == "tag/x/index.html"
    assert len(first["stories"]) == count if count < 10 else 5 <= len(first["stories"]) <= 9
    assert all(len(page["stories"]) == 5 for page in pages[1:])


def test_an_older_page_keeps_its_stories_and_address_as_stories_are_added():
    seen: dict[str, list] = {}
    for count in range(1, 60):
        for page in pages_of(count)[1:]:
            assert seen.setdefault(page["url"], page["stories"]) == page["stories"], (count, page["url"])
    assert set(seen) == {f"tag/x/page/{n}/" for n in range(1, 11)}
    assert seen["tag/x/page/1/"] == [5, 4, 3, 2, 1]  # page 1 holds the first five stories


def test_pages_link_newer_and_older_in_a_chain():
    pages = pages_of(23)  # the first page: the newest 23 - 3 * 5 = 8; then pages 3, 2, 1
    assert [page["url"] for page in pages] == ["tag/x/", "tag/x/page/3/", "tag/x/page/2/", "tag/x/page/1/"]
    assert [page["newer"] for page in pages] == [None, "tag/x/", "tag/x/page/3/", "tag/x/page/2/"]
    assert [page["older"] for page in pages] == ["tag/x/page/3/", "tag/x/page/2/", "tag/x/page/1/", None]
    assert pages[0]["stories"] == list(range(23, 15, -1))


@pytest.mark.site
def test_a_new_story_rewrites_a_topics_first_page_and_leaves_its_older_pages_alone(tmp_path):
    posts = convert_corpus(tmp_path / "posts")
    small = {"PAGINATED_TEMPLATES": dict.fromkeys(["tag", "category", "period_archives", "source"], 10)}
    output = build_site(posts, tmp_path / "site", override=small)
    topic = output / "tag/united-nations"
    first = BeautifulSoup((topic / "index.html").read_text(encoding="utf-8"), "html.parser")
    older = {path.relative_to(topic).as_posix(): path for path in topic.glob("page/*/index.html")}
    assert sorted(older) == ["page/1/index.html", "page/2/index.html"]
    count = int(first.select_one(".list-header p:not(.kicker)").get_text().split()[0])
    assert len(first.select("main .headlines li")) == count - 20
    assert first.select_one(".pagination a[rel=next]")["href"] == "/tag/united-nations/page/2/"
    oldest = BeautifulSoup(older["page/1/index.html"].read_text(encoding="utf-8"), "html.parser")
    assert "page 1" in oldest.h1.get_text() and "stories" not in oldest.select_one(".list-header").get_text()
    assert oldest.select_one(".pagination a[rel=prev]")["href"] == "/tag/united-nations/page/2/"
    assert oldest.select_one(".pagination a[rel=next]") is None
    assert " to " in oldest.select_one(".pagination span").get_text()  # its dates, not "of N"
    before = {name: (path.read_bytes(), path.stat().st_mtime_ns) for name, path in older.items()}

    # A new story about the United Nations, dated after every other, written by hand.
    extra = tmp_path / "posts" / "2026-01-01-un-extra.md"
    extra.write_text("Title: The UN meets again\nDate: 2026-01-01\nSlug: un-extra\nCategory: Europe\n"
                     "Tags: United Nations\nOrganizations: United Nations\n\nDelegates met again.\n",
                     encoding="utf-8")
    shutil.copy2(extra, tmp_path / "site/content/articles" / extra.name)
    build_site([*posts, extra], tmp_path / "site", override=small)
    after = {name: (path.read_bytes(), path.stat().st_mtime_ns) for name, path in older.items()}
    assert after == before  # not rewritten: the deploy has nothing to send for them
    again = BeautifulSoup((topic / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert again.select_one("main .headlines a")["href"] == "/2026/01/01/un-extra/"
