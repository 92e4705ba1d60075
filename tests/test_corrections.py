"""Corrections: the editor's `Correction:` lines on the story, in its feeds and
structured data, and in a record of every correction with its own feeds."""

from __future__ import annotations

import json
import logging

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import header_of, read_posts
from sitebuild import build_site
from test_json_feed import spec_problems

pytestmark = pytest.mark.site

FERRY = """Title: Ferry fares to rise by a fifth
Date: 2025-10-14
Slug: ferry-fares
Category: Europe
Correction: 2025-10-15: An earlier version said fares would rise by a quarter; the rise is 21 percent.
Correction: 2025-10-16 The operator is <script>alert(1)</script> NorthLink, not Northern Ferries.
Correction: last Tuesday: the timetable

The ferry operator will raise fares by 21 percent from January.
"""
BRIDGE = """Title: Coast road to close for a month
Date: 2025-10-20
Slug: coast-road
Category: Europe
Correction: 2025-10-21: The road closes on Monday, not Sunday.

Engineers will close the coast road for four weeks while they replace the bridge bearings.
"""
DRAFT = """Title: Harbour dues to double
Date: 2025-10-22
Slug: harbour-dues
Category: Europe
Status: {status}
Correction: 2025-10-23: Unpublished words about harbour dues.

The harbour board is weighing higher dues.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("corrections")
    posts = work / "posts"
    posts.mkdir()
    texts = {"2025-10-14-ferry.md": FERRY, "2025-10-20-bridge.md": BRIDGE,
             "2025-10-22-dues.md": DRAFT.format(status="draft"),
             "2025-10-22-dues-hidden.md": DRAFT.format(status="hidden").replace("harbour-dues", "harbour-dues-2")}
    for name, text in texts.items():
        (posts / name).write_text(text, encoding="utf-8")
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("newsroom").addHandler(handler)
    try:
        output = build_site(sorted(posts.glob("*.md")), work)
    finally:
        logging.getLogger("newsroom").removeHandler(handler)
    return output, [record.getMessage() for record in records]


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_story_shows_its_corrections_newest_first_above_its_body(built):
    output, warnings = built
    page = soup(output / "2025/10/14/ferry-fares/index.html")
    aside = page.select_one("article .corrections")
    assert aside is not None and aside.find_next_sibling(class_="article-body") is not None
    items = [" ".join(li.get_text().split()) for li in aside.select("li")]
    assert items == ["16 October 2025: The operator is <script>alert(1)</script> NorthLink, not Northern Ferries.",
                     "15 October 2025: An earlier version said fares would rise by a quarter; the rise is 21 percent."]
    assert not page.select("article script")  # the editor's words are text, escaped
    assert [w for w in warnings if "Correction" in w] == [
        "articles/2025-10-14-ferry.md: Correction 'last Tuesday: the timetable' is not "
        "'YYYY-MM-DD: what was corrected'; left out"]


def test_structured_data_names_each_correction(built):
    output, _ = built
    page = soup(output / "2025/10/14/ferry-fares/index.html")
    ld = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert [(fix["@type"], fix["datePublished"]) for fix in ld["correction"]] == [
        ("CorrectionComment", "2025-10-16"), ("CorrectionComment", "2025-10-15")]
    assert ld["correction"][1]["text"].startswith("An earlier version said fares would rise by a quarter")


def test_the_storys_feed_entries_open_with_its_corrections(built):
    output, _ = built
    atom = feedparser.parse((output / "feeds/all.atom.xml").read_bytes())
    ferry = next(entry for entry in atom.entries if entry.link.endswith("/ferry-fares/"))
    content = ferry.content[0].value
    assert content.startswith("<p><strong>Correction, 16 October 2025:</strong> The operator is &lt;script&gt;")
    assert "<p><strong>Correction, 15 October 2025:</strong> An earlier version" in content
    desk = json.loads((output / "feeds/category/europe.json").read_text(encoding="utf-8"))
    item = next(item for item in desk["items"] if item["url"].endswith("/ferry-fares/"))
    assert item["content_html"].startswith("<p><strong>Correction, 16 October 2025:</strong>")


def test_the_corrections_page_and_feeds_list_every_published_correction_newest_first(built):
    output, _ = built
    page = soup(output / "corrections/index.html")
    listed = [(li.time["datetime"], li.a.get_text(), li.a["href"]) for li in page.select(".corrections-list li")]
    assert listed == [("2025-10-21", "Coast road to close for a month", "/2025/10/20/coast-road/#corrections"),
                      ("2025-10-16", "Ferry fares to rise by a fifth", "/2025/10/14/ferry-fares/#corrections"),
                      ("2025-10-15", "Ferry fares to rise by a fifth", "/2025/10/14/ferry-fares/#corrections")]
    atom = feedparser.parse((output / "feeds/corrections.atom.xml").read_bytes())
    assert not atom.bozo and [entry.title for entry in atom.entries] == [
        "Correction: Coast road to close for a month", "Correction: Ferry fares to rise by a fifth",
        "Correction: Ferry fares to rise by a fifth"]
    assert len({entry.id for entry in atom.entries}) == 3
    feed = json.loads((output / "feeds/corrections.json").read_text(encoding="utf-8"))
    assert spec_problems(feed) == [] and len(feed["items"]) == 3
    head = page.head.select('link[rel="alternate"]')
    assert {link["href"] for link in head} >= {"/feeds/corrections.atom.xml", "/feeds/corrections.json"}


def test_an_unpublished_storys_correction_is_in_no_record(built):
    output, _ = built
    for name in ("corrections/index.html", "feeds/corrections.atom.xml", "feeds/corrections.json"):
        assert "harbour dues" not in (output / name).read_text(encoding="utf-8").lower(), name


def test_the_converter_adds_no_correction_and_keeps_the_editors(convert, tmp_path):
    """A story the editor corrected is kept when its source changes; an
    unedited story is updated without a word of correction."""
    raw, out = tmp_path / "raw", tmp_path / "posts"
    raw.mkdir()
    story = "{headline}\n\nTT\n20\n\n{headline}\n\n{body}\n"
    body = "Rain fell across the coast on Thursday, May 1, 2025, and rivers rose overnight."
    (raw / "a.txt").write_text(story.format(headline="Storm hits the coast", body=body), encoding="utf-8")
    fires = "Crews fought wildfires in the hills on Thursday, May 1, 2025, as winds picked up overnight."
    (raw / "b.txt").write_text(story.format(headline="Fires in the hills", body=fires), encoding="utf-8")
    convert(raw, "--output", out)
    edited = next(path for path in out.glob("*.md") if "storm" in path.name)
    text = edited.read_text(encoding="utf-8")
    correction = "Correction: 2025-05-02: The rivers rose overnight, not at dawn."
    edited.write_text(text.replace("\nSlug:", f"\n{correction}\nSlug:"), encoding="utf-8")
    for name in ("a.txt", "b.txt"):
        (raw / name).write_text((raw / name).read_text(encoding="utf-8").replace("overnight", "by morning"),
                                encoding="utf-8")
    code, stdout, _ = convert(raw, "--output", out)
    assert code == 0 and "1 updated" in stdout and "1 kept" in stdout
    posts = read_posts(out)
    corrections = {name: post.count("Correction:") for name, post in posts.items()}
    assert sorted(corrections.values()) == [0, 1]
    assert header_of(posts[edited.name])["Correction"] == "2025-05-02: The rivers rose overnight, not at dawn."
