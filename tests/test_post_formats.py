"""Hand-written posts in Markdown, reStructuredText and HTML, as a Pelican user brings them:
the same reader rules for each, Pelican's own conventions kept, no remote image in a feed."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES
from sitebuild import build_tree

pytestmark = pytest.mark.site

FORMATS = FIXTURES / "formats"


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture posts built once: (output folder, the build's last line, warning and error lines)."""
    from newsroom.left_out import PostsLeftOut

    lines = _Lines()
    logging.getLogger().addHandler(lines)
    workdir = tmp_path_factory.mktemp("formats")
    try:
        build_tree(FORMATS, workdir)
        last = None
    except PostsLeftOut as error:
        last = str(error)
    finally:
        logging.getLogger().removeHandler(lines)
    return workdir / "output", last, lines.lines


def page(output: Path, address: str) -> str:
    return (output / address / "index.html").read_text(encoding="utf-8")


def body(output: Path, address: str) -> BeautifulSoup:
    return BeautifulSoup(page(output, address), "html.parser").select_one(".article-body")


def feed_entries(output: Path):
    for feed in sorted(output.glob("feeds/**/*.xml")):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, feed
        for entry in parsed.entries:
            yield feed, entry, "".join(c["value"] for c in entry.get("content", [])) + entry.get("summary", "")


# ---- item 6: one sanitizer and no file insertion for every format -----------------------------

def test_a_rest_post_cannot_include_a_file_raw_html_or_a_script_link(built):
    output, _, lines = built
    html = page(output, "2025/03/10/harbour-report-rest")
    assert "The harbour reopened." in html
    story = body(output, "2025/03/10/harbour-report-rest")
    assert "root:" not in story.get_text()  # /etc/passwd
    assert story.find("script") is None and "alert(" not in str(story)
    assert [a.get("href") for a in story.find_all("a")][:2] == [None, "https://example.org/"]
    assert 'articles/hostile.rst: line 10: "include" directive disabled.' in lines
    assert 'articles/hostile.rst: line 12: "raw" directive disabled.' in lines
    for _, entry, content in feed_entries(output):
        if entry.link.endswith("/harbour-report-rest/"):
            assert "root:" not in content and "<script" not in content and "javascript:" not in content


def test_an_html_post_keeps_no_script_handler_or_script_link(built):
    output, _, _ = built
    story = body(output, "2025/03/10/harbour-report-html")
    assert "The harbour reopened." in story.get_text()
    assert story.find("script") is None
    assert not [tag for tag in story.find_all(True) if any(name.startswith("on") for name in tag.attrs)]
    assert "javascript:" not in str(story) and "alert(" not in str(story)


# ---- item 7: posts checked field by field; every post left out counted ------------------------

def test_every_post_left_out_is_counted_with_one_line_naming_the_field(built):
    _, last, lines = built
    assert last == "3 posts left out of the site (see the errors above); the rest is built"
    left_out = sorted(line for line in lines if line.endswith("left out of the site"))
    assert left_out == [
        "articles/no-date.md: no Date, in its header or its file name (YYYY-MM-DD-title.md); left out of the site",
        "articles/no-title.rst: no Title; left out of the site",
        "articles/status-typo.md: Status 'pubished' is not one of published, draft, hidden, skip; "
        "left out of the site",
    ]
    assert not any(line.startswith(("Skipping", "Could not process")) for line in lines)


def test_an_empty_tags_line_is_a_post_with_no_tags(built):
    output, _, _ = built
    assert "No tags at all." in page(output, "2025/03/11/empty-tags-line")


def test_a_photo_size_of_zero_is_ignored_with_one_warning(built):
    output, _, lines = built
    assert "The photo's size makes no sense." in page(output, "2025/03/11/a-photo-of-no-width")
    assert [line for line in lines if line.startswith("articles/zero-photo.md")] == [
        "articles/zero-photo.md: Photo headers must name our own files (images/<name>, WxH above 0x0, "
        "widths, webp); the story shows no photo"]


def test_outlets_desks_and_topics_differing_in_case_or_accents_are_one_page_with_one_name(built):
    output, _, _ = built
    assert sorted(path.name for path in (output / "source").iterdir()) == ["agence-france-presse", "reuters"]
    reuters = BeautifulSoup(page(output, "source/reuters"), "html.parser")
    assert reuters.h1.get_text(strip=True) == "Reuters"  # two stories spell it so, one REUTERS
    assert {a.get_text(strip=True) for a in reuters.select("main a") if "/2025/03/12/" in a.get("href", "")} == {
        "Ports Reopen", "Ports Stay Open", "Shipping Resumes"}
    assert sorted(path.name for path in (output / "category").iterdir() if path.name.startswith("econ")) == [
        "economie"]
    assert BeautifulSoup(page(output, "category/economie"), "html.parser").h1.get_text(strip=True) == "Économie"
    assert BeautifulSoup(page(output, "tag/sao-paulo"), "html.parser").h1.get_text(strip=True) == "São Paulo"
    # Every story shows the one name.
    for address in ("2025/03/12/ports-stay-open", "2025/03/12/ports-reopen"):
        text = BeautifulSoup(page(output, address), "html.parser").get_text(" ")
        assert "REUTERS" not in text and "SAO PAULO" not in text and "economie" not in text


# ---- item 8: translations ----------------------------------------------------------------------

def test_a_translation_lives_beside_its_original(built):
    output, _, lines = built
    assert "The storm passed in English." in page(output, "2025/03/14/the-storm-passes")
    french = page(output, "2025/03/14/the-storm-passes/fr")
    assert "La tempête est passée, en français." in french
    assert '<html lang="fr"' in french
    assert not any("same address" in line for line in lines)
    # Each names the other, as a reader and a search engine need.
    english = page(output, "2025/03/14/the-storm-passes")
    assert '<a href="/2025/03/14/the-storm-passes/fr/" hreflang="fr" lang="fr"' in english
    assert '<link rel="alternate" hreflang="fr" href="/2025/03/14/the-storm-passes/fr/">' in english
    assert 'hreflang="en" lang="en"' in french


# ---- item 9: Pelican's conventions --------------------------------------------------------------

def test_filename_links_resolve_from_the_content_root_and_relative_to_the_post(built):
    """As Pelican documents them, and as written on a site whose posts sat at the content root."""
    output, _, lines = built
    links = [a.get("href") for a in body(output, "2025/03/15/linker").find_all("a")]
    assert links == ["/2025/03/15/link-target-rest/"] * 4
    assert not any("Unable to find" in line for line in lines)
    # The target's short underline is one warning, not a post left out (and a link left broken).
    assert "articles/target.rst: line 2: Title underline too short." in lines
    assert "The linked story." in page(output, "2025/03/15/link-target-rest")


def test_a_post_dated_only_by_its_file_name_is_built_on_that_day(built):
    output, _, _ = built
    assert "The file name says when." in page(output, "2024/05/01/dated-by-its-file-name")


def test_a_slug_keeps_its_dots(built):
    output, _, lines = built
    assert "A slug with a dot." in page(output, "2025/03/16/mac-os-10.8")
    assert not any("mac-os-10.8" in line for line in lines)


# ---- item 11: no remote image in a feed, nor on a page ----------------------------------------

def remote_images(html: str) -> list[str]:
    return [img.get("src", "") for img in BeautifulSoup(html, "html.parser").find_all("img")
            if urlsplit(img.get("src", "").replace("\\", "/")).netloc]


def test_no_feed_carries_an_image_from_another_host(built):
    output, _, _ = built
    entries = list(feed_entries(output))
    assert any("harbour-report-html" in entry.link for _, entry, _ in entries)
    for feed, entry, content in entries:
        assert remote_images(content) == [], (feed, entry.link)
    # The image is a plain link to it instead, with its alt text.
    story = body(output, "2025/03/10/harbour-report-html")
    assert [(a.get_text(), a.get("href")) for a in story.find_all("a")][-1] == (
        "a tracker", "https://elsewhere.example/tracker.png")


def test_no_page_shows_an_image_from_another_host(built):
    output, _, _ = built
    for html in sorted(output.rglob("*.html")):
        article = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one(".article-body")
        if article is not None:
            assert remote_images(str(article)) == [], html
