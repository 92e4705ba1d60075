"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) beside every Atom feed.

Feed readers that speak JSON read the same stories the Atom feed carries:
the site-wide feed's in full, a desk's, topic's or outlet's as summaries.
`feeds/all.atom.xml` gets `feeds/all.json`, `feeds/tag/x.atom.xml` gets
`feeds/tag/x.json`. The incremental writer writes it with its Atom twin
and keeps both when neither would change.

Every item has an `id` (the story's address, which never changes) and
`content_html`; the feed names its `authors` and `language`. Nothing here
is new content: titles are the plain text the site shows, the HTML the
same sanitised HTML the Atom feed carries.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json"


_LISTING_FEED = re.compile(r"feeds/(tag|category|source)/([^/]+)\.atom\.xml")


def home_page(path: str) -> str:
    """The page a feed follows: a topic's, desk's or outlet's feed its listing, else the front page."""
    listing = _LISTING_FEED.fullmatch(path)
    return f"{listing[1]}/{listing[2]}/" if listing else ""


def json_path(atom_path: str) -> str:
    return atom_path.removesuffix(".atom.xml") + ".json"


def absolute(base: str, url: str) -> str:
    return f"{base.rstrip('/')}/{url.lstrip('/')}"


def _iso(stamp) -> str:
    return stamp.isoformat() if stamp.tzinfo else stamp.isoformat() + "Z"


def feed_item(story, base: str) -> dict:
    """One story as a JSON Feed item; `story` a feed item (incremental._FeedItem)."""
    url = absolute(base, story.url)
    item = {"id": url, "url": url, "title": story._story.title, "content_html": story.get_content(base)}
    summary = " ".join(Markup(getattr(story, "summary", "") or "").striptags().split())  # plain text, as the spec says
    if summary and summary != item["content_html"]:
        item["summary"] = summary
    item["date_published"] = _iso(story.date)
    modified = getattr(story, "modified", None)
    if modified:
        item["date_modified"] = _iso(modified)
    authors = [name for name in getattr(story, "authors", []) or [] if str(name).strip()]
    if story.metadata.get("authors") and authors:
        item["authors"] = [{"name": str(name)} for name in authors]
    tags = [str(tag) for tag in getattr(story, "tags", []) or []]
    if tags:
        item["tags"] = tags
    if getattr(story, "lang", ""):
        item["language"] = story.lang
    return item


def site_address(settings: dict) -> str:
    """The site's full address, as feeds, sitemaps, cards and emails need it:
    SITEURL, or FEED_DOMAIN for the local preview (whose SITEURL is empty)."""
    return settings.get("SITEURL") or settings.get("FEED_DOMAIN") or ""


def feed_document(settings: dict, title: str, home: str, feed_url: str, items: list[dict]) -> str:
    """A JSON Feed 1.1 document: the site as its author, in the site's language."""
    base = site_address(settings)
    feed = {
        "version": VERSION,
        "title": title,
        "home_page_url": absolute(base, home),
        "feed_url": absolute(base, feed_url),
        "language": settings.get("DEFAULT_LANG", "en"),
        "authors": [{"name": settings["SITENAME"], "url": absolute(base, "")}],
        "items": items,
    }
    if settings.get("SITE_DESCRIPTION"):
        feed["description"] = settings["SITE_DESCRIPTION"]
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


def json_feed(items: list, settings: dict, path: str, url: str | None, feed_title: str | None) -> str:
    """The JSON Feed text for the stories an Atom feed at `path` carries."""
    sitename = settings["SITENAME"]
    return feed_document(settings, f"{sitename} - {feed_title}" if feed_title else sitename, home_page(path),
                         json_path(url or path), [feed_item(item, site_address(settings)) for item in items])
