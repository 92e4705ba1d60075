"""RSS and Atom feeds, read with feedparser: one article per entry.

An entry that carries the full story (`content:encoded`, Atom `content`)
becomes an article as it is; one that carries only a summary is fetched from
its link by the caller and read as a web page.
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urljoin

from .clean import Article, Block, is_subhead
from .dump import DumpError

FULL_STORY_WORDS = 60  # an entry with less than this is a summary: the page has the story
PROLOG_BYTES = 64 * 1024  # a DOCTYPE with its entities fits; a feed's root element comes after
# What may stand before the root element: the XML declaration and other
# processing instructions (`<?xml-stylesheet?>`), comments, a DOCTYPE with
# its internal subset.
_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*+(?:\[.*?\]\s*)?>)", re.DOTALL | re.IGNORECASE)
# The root elements of RSS (0.9x, 2.0, 1.0 as rdf:RDF), Atom and CDF, whatever the prefix.
_FEED_ROOT = re.compile(r"\s*<(?:[\w.-]+:)?(rss|feed|rdf|channel)[\s/>]", re.IGNORECASE)
# How XML tells its encoding from its first bytes (XML 1.0, appendix F),
# with or without a byte order mark; anything else is ASCII-compatible here.
_XML_ENCODINGS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"), (b"\xef\xbb\xbf", "utf-8"),
)
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # lxml refuses a text holding one


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    published: date | None
    authors: tuple[str, ...]
    html: str  # the full story, or "" when the feed gives only a summary


def xml_start(raw: bytes) -> str:
    """The first bytes of an XML document as text, in the encoding its first bytes tell."""
    head = raw[:PROLOG_BYTES]
    encoding = next((name for start, name in _XML_ENCODINGS if head.startswith(start)), "latin-1")
    width = 4 if "32" in encoding else 2 if "16" in encoding else 1
    head = head[: len(head) - len(head) % width]
    return head.decode(encoding, "replace").lstrip("\ufeff")


def is_feed(raw: bytes) -> bool:
    """A feed is told by its root element (rss, feed, rdf:RDF, CDF's CHANNEL,
    with any prefix), after whatever the XML prolog may hold; never by a guess
    at the content, so a web page or a paste that quotes a feed is not one."""
    text, position = xml_start(raw), 0
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
    return bool(_FEED_ROOT.match(text, position))


def _date(entry) -> date | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC).date() if stamp else None


def _words(html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", html).split())


def read_feed(raw: bytes, source: str, url: str = "") -> tuple[str, list[Entry]]:
    """The feed's title and its entries; DumpError when it is not a feed.

    A fetched feed's relative links are resolved against its own address
    (`url`); a feed read from a file leaves them relative, for the caller to refuse."""
    import feedparser

    # A stream, never the bytes: feedparser would take bytes that name a file for its name.
    parsed = feedparser.parse(io.BytesIO(raw), response_headers={"content-location": url} if url else None)
    if not parsed.entries:
        raise DumpError(source, "a feed without entries" if parsed.get("feed") else "not a readable feed")
    entries = []
    for item in parsed.entries:
        html = max((part.get("value", "") for part in item.get("content", [])), key=len, default="")
        if _words(html) < FULL_STORY_WORDS:
            html = item.get("summary", "") if _words(item.get("summary", "")) >= FULL_STORY_WORDS else ""
        authors = tuple(a.get("name", "").strip() for a in item.get("authors", []) if a.get("name", "").strip())
        link = item.get("link", "").strip()
        entries.append(Entry(" ".join(item.get("title", "").split()), urljoin(url, link) if url else link,
                             _date(item), authors, html))
    return " ".join(parsed.feed.get("title", "").split()), entries


def html_blocks(html: str) -> tuple[Block, ...]:
    """A story's HTML as paragraphs and subheads, one block element each.

    A `<br>` (or a run of them) splits a paragraph: each line it makes is a
    paragraph of its own, as feeds that write paragraphs as `line<br><br>line`
    mean it, and a post's paragraph is one line of Markdown."""
    import lxml.html

    root = lxml.html.fragment_fromstring(_NOT_XML.sub("", html), create_parent="div")
    blocks = []
    for element in root.iter(*_BLOCKS):
        if any(parent.tag in _BLOCKS for parent in element.iterancestors()):
            continue  # a paragraph inside a quote or a list item is read with it
        for text in text_lines(element):
            heading = element.tag.startswith("h") or is_subhead(text)
            blocks.append(Block("subhead" if heading else "paragraph", text, 1))
    if not blocks:
        blocks = [Block("paragraph", text, 1) for text in text_lines(root)]
    return tuple(blocks)


def text_lines(element) -> list[str]:
    """The element's text, one string for each line its `<br>`s make, blank ones left out."""
    from lxml import etree

    lines: list[list[str]] = [[]]
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start" and node.tag == "br":
            lines.append([])
        elif event == "start" and isinstance(node.tag, str):  # not a comment's text
            lines[-1].append(node.text or "")
        elif event == "end" and node is not element:
            lines[-1].append(node.tail or "")
    return [text for parts in lines if (text := " ".join("".join(parts).split()))]


def entry_article(entry: Entry, outlet: str, source: str) -> Article:
    """An entry that carries its full story, as an article."""
    if not entry.title:
        raise DumpError(source, f"an entry without a title ({entry.link or 'no link'})")
    return Article(
        source=source, line=1, headline=entry.title, caption="", credit="", blocks=html_blocks(entry.html),
        dropped=(), published=entry.published, outlet=outlet, original_url=entry.link, authors=entry.authors,
    )
