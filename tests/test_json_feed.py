"""JSON Feed 1.1 beside every Atom feed: the site's, each desk's, topic's and outlet's."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site
RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


@pytest.fixture(scope="module")
def site(sources_site):
    return sources_site


def spec_problems(feed: dict) -> list[str]:
    """What JSON Feed 1.1 requires (https://jsonfeed.org/version/1.1), and what this site promises."""
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("title")
    if not isinstance(feed.get("items"), list):
        return [*problems, "items"]
    for key in ("home_page_url", "feed_url"):
        if not str(feed.get(key, "")).startswith(("http://", "https://")):
            problems.append(key)
    authors = feed.get("authors")
    if not authors or not all(isinstance(a, dict) and (a.get("name") or a.get("url")) for a in authors):
        problems.append("authors")
    if not isinstance(feed.get("language"), str):
        problems.append("language")
    for number, item in enumerate(feed["items"]):
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"item {number}: id")
        if not (isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str)):
            problems.append(f"item {number}: content")
        for key in ("date_published", "date_modified"):
            if key in item and not RFC_3339.fullmatch(item[key]):
                problems.append(f"item {number}: {key}")
        if "tags" in item and not all(isinstance(tag, str) for tag in item["tags"]):
            problems.append(f"item {number}: tags")
    return problems


def atom_feeds(site: Path) -> list[Path]:
    return sorted(site.glob("feeds/**/*.atom.xml"))


def test_every_atom_feed_has_a_json_feed_twin_that_meets_the_spec(site):
    feeds = atom_feeds(site)
    kinds = {path.parent.name for path in feeds}
    assert {"feeds", "tag", "category", "source"} <= kinds
    for atom in feeds:
        twin = atom.with_name(atom.name.removesuffix(".atom.xml") + ".json")
        feed = json.loads(twin.read_text(encoding="utf-8"))
        assert spec_problems(feed) == [], twin
        entries = feedparser.parse(atom.read_bytes()).entries
        assert [urlparse(item["url"]).path for item in feed["items"]] == [urlparse(e.link).path for e in entries]
        assert [item["title"] for item in feed["items"]] == [entry.title for entry in entries]
        assert feed["feed_url"].endswith("/" + twin.relative_to(site).as_posix())


def test_the_site_wide_json_feed_carries_each_story_in_full_and_a_desks_its_summary(site):
    everything = json.loads((site / "feeds/all.json").read_text(encoding="utf-8"))
    harbour = next(item for item in everything["items"] if "harbour-strike" in item["id"])
    assert "<p dir=\"auto\">Dockers at the port of Eastmouth voted on Thursday" in harbour["content_html"]
    assert 'Originally published by <a href="https://www.coastalherald.example/' in harbour["content_html"]
    assert harbour["authors"] == [{"name": "Maria Lindqvist"}, {"name": "Tom Okafor"}]
    assert harbour["language"] == "en-GB" and everything["language"] == "en"
    assert datetime.fromisoformat(harbour["date_published"]).date().isoformat() == "2025-06-12"
    outlet = json.loads((site / "feeds/source/the-coastal-herald.json").read_text(encoding="utf-8"))
    assert outlet["title"] == "News Digest - The Coastal Herald"
    assert outlet["home_page_url"].endswith("/source/the-coastal-herald/")
    (summary,) = outlet["items"]
    assert summary["content_html"].count("<p") == 1 and "Dockers at the port" in summary["content_html"]
    assert len(summary["content_html"]) < len(harbour["content_html"]) / 2


def test_every_page_links_its_json_feeds_with_the_media_type(site):
    for path in [site / "index.html", *site.glob("tag/*/index.html"), *site.glob("category/*/index.html"),
                 *site.glob("source/*/index.html")]:
        head = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").head
        links = [link["href"] for link in head.select('link[rel="alternate"][type="application/feed+json"]')]
        assert links and links[0].endswith("/feeds/all.json"), path
        if path.parent.parent.name in ("tag", "category", "source"):
            kind, slug = path.parent.parent.name, path.parent.name
            assert links[-1].endswith(f"/feeds/{kind}/{slug}.json"), path
            assert (site / f"feeds/{kind}/{slug}.json").is_file()
