"""Feeds told by what they are, their line breaks kept, and no input able to stop another.

The feeds here are small ones written for these tests; the hostile links and
the fetching gate are in test_fetch.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, SEED, body_of, header_of, read_posts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FEEDS = FIXTURES / "feeds"
TITLE = "Harbour board votes to rebuild the north pier"
PIER_FEEDS = ["netscape_091.rss", "styled.rss", "prefixed.rss", "channel_cdf.xml"]
# XML's encodings, as `styled.rss` is saved in each: with a byte order mark, and without one.
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]


def refuse(url: str, source: str, **_):
    """A fetcher for tests that must not touch the network."""
    from ingest.fetch import FetchError

    raise FetchError(source, url, "refused: no network in this test")


def assert_the_pier_story(code: int, stdout: str, stderr: str, posts: Path) -> None:
    assert (code, stderr) == (0, ""), stderr
    assert "1 new" in stdout
    (post,) = read_posts(posts).values()
    assert header_of(post)["Title"] == TITLE
    assert header_of(post)["Source"] == "The Pier Post"
    assert body_of(post).startswith("The harbour board voted on Tuesday to rebuild the old north pier")
    assert "<" not in body_of(post)


@pytest.mark.parametrize("name", PIER_FEEDS)
def test_a_feed_after_a_doctype_a_stylesheet_or_with_a_prefix_or_cdf_is_read_as_a_feed(name, convert, tmp_path):
    assert_the_pier_story(*convert(FEEDS / name, "--date", "2025-06-03", "--output", tmp_path), tmp_path)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_feed_in_utf16_or_utf32_is_read_as_a_feed(encoding, convert, tmp_path):
    text = (FEEDS / "styled.rss").read_text(encoding="utf-8")
    feed = tmp_path / "styled.rss"
    feed.write_bytes(text.replace('encoding="UTF-8"', f'encoding="{encoding[:6].upper()}"').encode(encoding))
    assert_the_pier_story(*convert(feed, "--output", tmp_path / "posts"), tmp_path / "posts")


@pytest.mark.parametrize("start", [
    (FIXTURES / "pages" / "harbour_strike.html").read_bytes(),
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">',
    b"How to publish a feed\n\nStart the file with <rss version=\"2.0\"> and a channel.",
    "<!-- a page saved from a browser -->\n<html><body><rss>".encode("utf-16"),
])
def test_a_web_page_or_a_paste_that_quotes_a_feed_is_not_taken_for_one(start):
    from ingest.feeds import is_feed

    assert not is_feed(start)


def test_a_line_break_in_a_feeds_story_separates_its_lines(convert, tmp_path):
    story = " ".join(["The ferry timetable changes next week for the summer season."] * 6)
    feed = tmp_path / "breaks.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>The Pier Post</title><item><title>Summer ferry timetable</title>"
        "<link>https://pierpost.example/ferry</link>"
        f"<content:encoded><![CDATA[<p>{story} Details are here.<br>Line two starts here<br/><br/>"
        "Line three is the last.</p>]]></content:encoded></item></channel></rss>", encoding="utf-8")
    code, _, stderr = convert(feed, "--date", "2025-06-03", "--output", tmp_path / "posts")
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path / "posts").values()
    paragraphs = body_of(post).strip().split("\n\n")
    assert paragraphs[-3:] == [f"{story} Details are here.", "Line two starts here", "Line three is the last."]


def test_an_unforeseen_failure_in_one_input_is_its_one_line_and_the_others_convert(convert, seed_copy, tmp_path,
                                                                                   monkeypatch):
    import ingest.inputs

    def broken(*args, **kwargs):
        raise RuntimeError("lxml gave up\non this page")

    monkeypatch.setattr(ingest.inputs, "extract_page", broken)
    page = seed_copy / "saved.html"
    page.write_bytes((FIXTURES / "pages" / "harbour_strike.html").read_bytes())
    code, stdout, stderr = convert(seed_copy, "--output", tmp_path / "posts")
    assert code == 1
    assert stderr == f"error: {page}: unexpected error (RuntimeError: lxml gave up on this page)\n"
    assert stdout.splitlines()[-1].startswith("2 new,") and "1 rejected" in stdout
    assert len(read_posts(tmp_path / "posts")) == 2


def test_an_unforeseen_failure_in_one_story_is_its_one_line_and_the_others_convert(convert, seed_copy, tmp_path,
                                                                                   monkeypatch):
    import convert_articles

    render = convert_articles.render_post

    def broken_for_one(post, slug):
        if post.title.startswith("Russian"):
            raise KeyError("no such template")
        return render(post, slug)

    monkeypatch.setattr(convert_articles, "render_post", broken_for_one)
    code, stdout, stderr = convert(seed_copy, "--output", tmp_path / "posts")
    assert code == 1
    assert stderr == f"error: {seed_copy / SEED.name}:1: unexpected error (KeyError: 'no such template')\n"
    assert len(read_posts(tmp_path / "posts")) == 1


# Hostile and broken input, generated: whatever read_input is given, it answers
# with articles and one-line errors naming the input, never an exception.

SMALL_FEEDS = [(FEEDS / name).read_bytes() for name in [*PIER_FEEDS, "islands_full.rss", "herald_summaries.atom"]]
SNIPPETS = [b"<link>/relative</link>", b"<guid>48213</guid>", b"<id>1</id>", b"<link>file:///etc/passwd</link>",
            b"<br>", b"<!DOCTYPE rss [<!ENTITY e \"&e;\">]>", b"&e;", b"\x00", b"\xff\xfe", b"]]>", b"<![CDATA[",
            b"<item>", b"</channel>", b"<content:encoded>", b"<pubDate>Feb 30 2025</pubDate>", b"<title/>"]


@st.composite
def mutated_feeds(draw) -> bytes:
    """One of the small feeds, cut, spliced with a hostile snippet, or with bytes flipped."""
    feed = bytearray(draw(st.sampled_from(SMALL_FEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(feed)))
        change = draw(st.sampled_from(["cut", "insert", "flip"]))
        if change == "cut":
            del feed[at:at + draw(st.integers(1, 200))]
        elif change == "insert":
            feed[at:at] = draw(st.sampled_from(SNIPPETS) | st.binary(max_size=20))
        elif feed:
            feed[min(at, len(feed) - 1)] = draw(st.integers(0, 255))
    return bytes(feed)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(st.binary(max_size=2000), mutated_feeds()),
       suffix=st.sampled_from([".txt", ".rss", ".html", ".xml"]))
def test_no_bytes_make_read_input_raise(tmp_path_factory, raw, suffix):
    from ingest.inputs import read_input

    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(raw)
    found = read_input(str(path), refuse)
    for error in found.errors:
        assert "\n" not in error and error.startswith(str(path)), error
