"""RSS and Atom feeds, read with feedparser: one article per entry.

An entry that carries the full story (`content:encoded`, Atom `content`)
becomes an article as it is; one that carries only a summary is fetched from
its link by the caller and read as a web page.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .clean import Article, Block, is_subhead
from .dump import DumpError

FULL_STORY_WORDS = 60  # an entry with less than this is a summary: the page has the story
_FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.DOTALL)
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote")


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    published: date | None
    authors: tuple[str, ...]
    html: str  # the full story, or "" when the feed gives only a summary


def is_feed(raw: bytes) -> bool:
    return bool(_FEED_START.match(raw[:4096].lstrip(b"\xef\xbb\xbf")))


def _date(entry) -> date | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC).date() if stamp else None


def _words(html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", html).split())


def read_feed(raw: bytes, source: str) -> tuple[str, list[Entry]]:
    """The feed's title and its entries; DumpError when it is not a feed."""
    import feedparser

    parsed = feedparser.parse(raw)
    if not parsed.entries:
        raise DumpError(source, "a feed without entries" if parsed.get("feed") else "not a readable feed")
    entries = []
    for item in parsed.entries:
        html = max((part.get("value", "") for part in item.get("content", [])), key=len, default="")
        if _words(html) < FULL_STORY_WORDS:
            html = item.get("summary", "") if _words(item.get("summary", "")) >= FULL_STORY_WORDS else ""
        authors = tuple(a.get("name", "").strip() for a in item.get("authors", []) if a.get("name", "").strip())
        entries.append(Entry(" ".join(item.get("title", "").split()), item.get("link", ""), _date(item),
                             authors, html))
    return " ".join(parsed.feed.get("title", "").split()), entries


def html_blocks(html: str) -> tuple[Block, ...]:
    """A story's HTML as paragraphs and subheads, one block element each."""
    import lxml.html

    root = lxml.html.fragment_fromstring(html, create_parent="div")
    blocks = []
    for element in root.iter(*_BLOCKS):
        if any(parent.tag in _BLOCKS for parent in element.iterancestors()):
            continue  # a paragraph inside a quote or a list item is read with it
        text = " ".join(element.text_content().split())
        if text:
            heading = element.tag.startswith("h") or is_subhead(text)
            blocks.append(Block("subhead" if heading else "paragraph", text, 1))
    if not blocks:
        text = " ".join(root.text_content().split())
        blocks = [Block("paragraph", text, 1)] if text else []
    return tuple(blocks)


def entry_article(entry: Entry, outlet: str, source: str) -> Article:
    """An entry that carries its full story, as an article."""
    if not entry.title:
        raise DumpError(source, f"an entry without a title ({entry.link or 'no link'})")
    return Article(
        source=source, line=1, headline=entry.title, caption="", credit="", blocks=html_blocks(entry.html),
        dropped=(), published=entry.published, outlet=outlet, original_url=entry.link, authors=entry.authors,
    )
