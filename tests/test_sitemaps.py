"""Sitemaps at archive scale: an index of children under the protocol's cap,
rewritten only where pages changed, and Google News's sitemap of the last two days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sitebuild import build_site

pytestmark = pytest.mark.site

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def write_post(folder: Path, day: date, number: int, title: str | None = None) -> Path:
    title = title or f"Harbour board meets for the {number}th time on {day:%d %B %Y}"
    post = folder / f"{day}-story-{number}.md"
    post.write_text(f"Title: {title}\nDate: {day}\nSlug: story-{number}\nCategory: Europe\n\n"
                    f"The harbour board met on {day:%A} to discuss the winter timetable and berth fees.\n",
                    encoding="utf-8")
    return post


def locs(path: Path) -> list[str]:
    return [loc.text for loc in ElementTree.parse(path).getroot().iter(f"{SITEMAP_NS}loc")]


def test_children_split_past_the_cap_and_only_those_whose_pages_changed_are_rewritten(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    older = [write_post(posts, date(2024, 6, 1) + timedelta(days=n), n) for n in range(12)]
    newer = [write_post(posts, date(2025, 6, 1) + timedelta(days=n), 100 + n) for n in range(3)]
    settings = {"SITEMAP_MAX_URLS": 10}
    output = build_site([*older, *newer], tmp_path / "work", override=settings)
    children = [loc.removeprefix("http://127.0.0.1:8000/") for loc in locs(output / "sitemap.xml")]
    assert children[:3] == ["sitemaps/2024.xml", "sitemaps/2024-2.xml", "sitemaps/2024-3.xml"]
    assert "sitemaps/2025.xml" in children and "sitemaps/site.xml" in children
    for child in children:
        assert 0 < len(locs(output / child)) <= 10
    listed = [loc for child in children for loc in locs(output / child)]
    assert len(listed) == len(set(listed))  # each page in one child only
    stamps = {child: (output / child).stat().st_mtime_ns for child in children}

    added = write_post(posts, date(2025, 6, 10), 200)
    build_site([*older, *newer, added], tmp_path / "work", override=settings)
    rewritten = {child for child in children if (output / child).stat().st_mtime_ns != stamps[child]}
    assert "sitemaps/2025.xml" in rewritten
    assert not {child for child in rewritten if child.startswith("sitemaps/2024")}
    assert any(loc.endswith("/2025/06/10/story-200/") for loc in locs(output / "sitemaps/2025.xml"))


def test_a_year_no_longer_in_the_archive_leaves_no_child_behind(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    old, new = write_post(posts, date(2023, 1, 5), 1), write_post(posts, date(2025, 1, 5), 2)
    output = build_site([old, new], tmp_path / "work")
    assert (output / "sitemaps/2023.xml").is_file()
    (tmp_path / "work/content/articles" / old.name).unlink()
    build_site([new], tmp_path / "work")
    assert not (output / "sitemaps/2023.xml").exists()
    assert all("2023" not in loc for loc in locs(output / "sitemap.xml"))


def test_the_news_sitemap_counts_two_days_back_from_the_builds_fixed_date(tmp_path, monkeypatch):
    """SOURCE_DATE_EPOCH 2025-06-05 00:00 UTC: the stories of 4 and 5 June
    (the 5th at midnight, not after it), newest first; none of the 3rd or the 6th."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1749081600")
    posts = tmp_path / "posts"
    posts.mkdir()
    days = [date(2025, 6, 3), date(2025, 6, 4), date(2025, 6, 5), date(2025, 6, 6)]
    written = [write_post(posts, day, number, title=f"Fish & chips <prices> rise, day {number}")
               for number, day in enumerate(days)]
    output = build_site(written, tmp_path / "work")
    root = ElementTree.parse(output / "news-sitemap.xml").getroot()
    listed = [(url.findtext(f"{SITEMAP_NS}loc"), url.find(f"{NEWS_NS}news")) for url in root]
    assert [loc.removeprefix("http://127.0.0.1:8000/") for loc, _ in listed] == [
        "2025/06/05/story-2/", "2025/06/04/story-1/"]
    assert [news.findtext(f"{NEWS_NS}title") for _, news in listed] == [
        "Fish & chips <prices> rise, day 2", "Fish & chips <prices> rise, day 1"]
    assert listed[0][1].findtext(f"{NEWS_NS}publication_date") == "2025-06-05T00:00:00+00:00"
    assert listed[0][1].findtext(f"{NEWS_NS}publication/{NEWS_NS}language") == "en"


def test_the_news_sitemap_holds_at_most_a_thousand_stories():
    from newsroom.sitemap import Entry, news_stories

    story = ("A story", "2025-06-05T10:00:00+00:00", "en")
    entries = {f"2025/06/05/story-{n}/index.html": Entry("2025-06-05", 2025, story) for n in range(1_200)}
    assert len(news_stories(entries, None)) == 1_000
