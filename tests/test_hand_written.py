"""Posts typed by hand: a bad one is left out with one line, a hostile one stays text."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, ROOT, SEED
from sitebuild import build_site

pytestmark = pytest.mark.site

HAND_WRITTEN = FIXTURES / "hand_written"
BAD = ["bad_date.md", "no_title.md", "not_utf8.md"]


def seed_posts(tmp_path: Path) -> list[Path]:
    import convert_articles

    assert convert_articles.main([str(SEED), "--output", str(tmp_path / "posts")]) == 0
    return sorted((tmp_path / "posts").glob("*.md"))


def build_with(tmp_path: Path, names: list[str], caplog) -> tuple[Path, str]:
    """Build the seed's posts plus the named hand-written ones; (output, error lines)."""
    from newsroom.left_out import PostsLeftOut

    posts = seed_posts(tmp_path) + [HAND_WRITTEN / name for name in names]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        try:
            build_site(posts, tmp_path / "site")
            raised = None
        except PostsLeftOut as error:
            raised = str(error)
    messages = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    return tmp_path / "site" / "output", raised, messages


def test_bad_posts_are_left_out_each_with_one_line_naming_the_field(tmp_path, caplog):
    output, raised, messages = build_with(tmp_path, [*BAD, "same_address_a.md", "same_address_b.md"],
                                          caplog)
    assert raised == "4 posts left out of the site (see the errors above); the rest is built"
    errors = [m for m in messages if "left out of the site" in m and not m.startswith("4 posts")]
    assert sorted(errors) == sorted([
        "articles/bad_date.md: Date 'yesterday' is not a date (YYYY-MM-DD); left out of the site",
        "articles/no_title.md: no Title; left out of the site",
        "articles/not_utf8.md: line 1: not UTF-8 text (byte 0xe9); left out of the site",
        "articles/same_address_b.md: same address (2025/03/12/markets-close-higher/) as "
        "articles/same_address_a.md; give it another Slug or Date; left out of the site",
    ])
    assert not any(m.startswith("Could not process") for m in messages)
    # The rest of the site is there.
    stories = sorted(p.parent.name for p in output.glob("20*/*/*/*/index.html"))
    assert stories == ["markets-close-higher", "russian-missile-experts-flew-to-iran-amid-clashes-with-israel",
                       "south-korea-will-hold-presidential-election-june-3-to-choose-yoons-successor"]
    assert "Stocks rose." in (output / "2025/03/12/markets-close-higher/index.html").read_text()


def test_control_characters_in_a_hand_written_post_are_removed_and_it_builds(tmp_path, caplog):
    output, raised, messages = build_with(tmp_path, ["control_characters.md"], caplog)
    assert raised is None
    assert "articles/control_characters.md: removed 2 control character(s)" in messages
    page = (output / "2025/03/12/ports-reopen-after-the-storm/index.html").read_text()
    assert "Ports Reopen After the Storm" in page and "reopened on Wednesday" in page
    assert not feedparser.parse((output / "feeds/all.atom.xml").read_bytes()).bozo


THEME_EMPTY_ICON = "data:,"  # base.html's <link rel="icon">: no request for /favicon.ico
NUMBER = re.compile(r"\d+(\.\d+)?")
RISKY_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)


def is_own_script(src: str, site: Path | None) -> bool:
    """A script the site itself serves: a path on this site (not `//host/...`), naming a
    file the build wrote when the site is given. Anything else runs someone else's code."""
    path = src.replace("\\", "/")
    if not path.startswith("/") or path.startswith("//") or ":" in path.split("/", 2)[1]:
        return False
    return site is None or (site / path.lstrip("/").split("?", 1)[0]).is_file()


def assert_inert(html: str, where: str, site: Path | None = None) -> None:
    """No element, handler, refresh or URL in `html` that came from a post's text.
    `site`: the output folder, where the theme's own scripts must be."""
    soup = BeautifulSoup(html, "html.parser")
    for chart in soup.select("svg.coverage-bars"):  # the theme's own chart: bars of numbers, nothing else
        assert all(bar.name == "rect" and all(NUMBER.fullmatch(v) for k, v in bar.attrs.items())
                   for bar in chart.find_all(True)), (where, chart)
        chart.decompose()
    for form in soup.select("form.site-search, form.search-form"):  # the theme's search forms
        assert form.get("action") == "/search/" and form.get("method") == "get", (where, form)
        form.decompose()
    for element in soup.find_all(True):
        assert element.name not in ("iframe", "svg", "object", "embed", "form"), (where, element)
        if element.name == "script":
            if element.get("src") is None:
                assert element.get("type") == "application/ld+json", (where, element)
            else:
                assert is_own_script(element["src"], site), (where, element)
        if element.name == "meta":
            assert element.get("http-equiv", "").lower() != "refresh", (where, element)
        if element.name == "img":
            assert "x" != element.get("src"), (where, element)
            assert not urlsplit(element.get("src", "").replace("\\", "/")).netloc, (where, element)  # no hot-link
        for attribute, value in element.attrs.items():
            assert not attribute.lower().startswith("on"), (where, element)
            if attribute in ("href", "src", "action", "content") and value != THEME_EMPTY_ICON:
                assert not RISKY_URL.match(str(value)), (where, element)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hostile")
    posts = seed_posts(tmp_path) + [HAND_WRITTEN / "hostile.md", HAND_WRITTEN / "no_letters.md"]
    return build_site(posts, tmp_path / "site")


def test_hostile_hand_written_values_reach_no_page_or_feed_as_markup(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        if "pagefind" not in page.parts:
            assert_inert(page.read_text(encoding="utf-8"), str(page), hostile_site)
    for feed in sorted(hostile_site.glob("feeds/**/*.xml")):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, feed
        for entry in parsed.entries:
            for content in [*entry.get("content", []), {"value": entry.get("summary", "")}]:
                assert_inert(content["value"], f"{feed}: {entry.title}")


def test_hostile_hand_written_title_shows_as_the_text_typed(hostile_site):
    page = hostile_site / "2025/03/11/hostilebyhand/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    title = "<script>alert(1)</script> Markets & <img src=x onerror=alert(2)> More"
    assert soup.h1.get_text() == title
    assert soup.title.get_text().startswith(title)
    assert soup.select_one("figcaption").get_text(" ", strip=True) == (
        "<img src=x onerror=alert(7)> Photo: <svg onload=alert(8)>")
    # The risky links keep their text and lose their address; the fair one stays a link.
    links = [(a.get_text(), a.get("href")) for a in soup.select(".article-body a")]
    assert links == [("x", None), ("y", None), ("z", None), ("fair link", "https://example.org/report")]
    entry = next(e for e in feedparser.parse((hostile_site / "feeds/all.atom.xml").read_bytes()).entries
                 if e.link.endswith("/hostilebyhand/"))
    assert entry.title == title


def test_tags_and_desks_without_letters_never_make_an_empty_address(hostile_site):
    assert not (hostile_site / "tag" / "index.html").exists()
    assert not (hostile_site / "category" / "index.html").exists()
    sitemap = "".join(path.read_text(encoding="utf-8") for path in (hostile_site / "sitemaps").glob("*.xml"))
    assert "/tag/<" not in sitemap and "/tag/</loc>" not in sitemap
    assert (hostile_site / "tag/fish-chips/index.html").is_file()
    assert (hostile_site / "tag/harbours/index.html").is_file()
    fallback = tomllib.loads((ROOT / "scripts/ingest/data/desks.toml").read_text())["fallback"]
    desk = (hostile_site / "category" / fallback.lower() / "index.html").read_text(encoding="utf-8")
    assert "Harbour Fees Rise" in desk  # a desk without letters: the story goes to the fallback desk
    assert (hostile_site / "tag/alert4/index.html").is_file()
    soup = BeautifulSoup((hostile_site / "tag/alert4/index.html").read_text(), "html.parser")
    assert soup.h1.get_text() == "<script>alert(4)</script>"


@pytest.mark.parametrize("planted", [
    '<script src="https://evil.example/x.js"></script>',
    '<script src="//evil.example/x.js"></script>',
    '<script src="/theme/js/not-built.js"></script>',
    '<script>alert(1)</script>',
    '<img src="https://elsewhere.example/tracker.png" alt="">',
])
def test_the_inertness_check_fails_on_a_script_or_image_from_elsewhere(hostile_site, planted):
    """The check above must be able to fail: a page with a planted script or remote image fails it."""
    page = next(hostile_site.glob("20*/*/*/hostilebyhand/index.html")).read_text(encoding="utf-8")
    assert_inert(page, "as built", hostile_site)
    with pytest.raises(AssertionError):
        assert_inert(page.replace("</body>", planted + "</body>"), "planted", hostile_site)
