"""Sitemaps that scale: an index, a child a year, and a news sitemap.

The sitemap protocol caps a file at 50,000 URLs (and 50 MB), so one file
cannot list an archive of 100,000 stories. `sitemap.xml` is an index of
children: `sitemaps/<year>.xml` for the stories and dated archive pages of
each year, `sitemaps/site.xml` for the rest (front page, desks, topics,
sources, pages), each split into `-2`, `-3`... past SITEMAP_MAX_URLS. A child
is written only when its bytes change, so a day's build rewrites this year's
child and the site's, not the archive's; a child no longer needed is deleted.

`news-sitemap.xml` is Google News's: the stories of the last two days before
the build's SOURCE_DATE_EPOCH (or before the newest story, when no date is
fixed), newest first, at most 1,000, each with the publication's name and
language, its publication date and its headline as the page shows it.

Everything is deterministic (pelican-sitemap stamps index pages with the
build time, which breaks byte-identical builds), and lists published pages
only: a draft (`Status: draft`, written under drafts/ for a preview) and a
hidden post (`Status: hidden`, reachable by its link alone) never appear.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from .epoch import build_epoch
from .files import write_atomically
from .jsonfeed import site_address

SITEMAP_EXCLUDE = ("404.html", "search/index.html")
MAX_URLS = 50_000  # the protocol's cap per file (SITEMAP_MAX_URLS)
NEWS_DAYS = 2
NEWS_MAX_STORIES = 1_000
CHILDREN = "sitemaps"
_YEAR_PATH = re.compile(r"(\d{4})/")
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class Entry:
    """What the sitemaps say of one page."""
    lastmod: str | None  # the day of the newest story it shows
    year: int | None  # the year child it belongs to (None: the site's child)
    story: tuple[str, str, str] | None = None  # a story's headline, W3C publication time, language


def is_published(content) -> bool:
    """A listing (no story of its own) or a story whose Status is published."""
    return content is None or getattr(content, "status", "published") == "published"


def news_language(lang: str) -> str:
    """Google News's language: an ISO 639 code, with zh-cn and zh-tw kept apart."""
    lang = lang.lower().replace("_", "-")
    if lang.startswith("zh"):  # simplified or traditional, as Google News names them
        return "zh-tw" if any(part in ("hant", "tw", "hk", "mo") for part in lang.split("-")) else "zh-cn"
    return lang.split("-")[0]


def page_entry(relative: str, context: dict) -> Entry | None:
    """The sitemap's entry for a page just written, or None when it lists none."""
    article = context.get("article")
    obj = article or context.get("page")
    if (not relative.endswith(".html") or relative in SITEMAP_EXCLUDE or relative.endswith("/email.html")
            or not is_published(obj)):
        return None
    listed = context.get("articles_page")  # a listing page: its newest story (listings.py)
    shown = listed["stories"] if isinstance(listed, dict) else context.get("articles") or []
    dates = [obj] if obj else shown[:1]
    stamps = [getattr(item, "modified", None) or getattr(item, "date", None) for item in dates]
    newest = max((stamp for stamp in stamps if stamp), default=None)
    dated = _YEAR_PATH.match(relative)  # a dated archive page: 2025/, 2025/01/, 2025/01/11/
    year = article.date.year if article is not None else int(dated[1]) if dated else None
    story = None
    if article is not None:
        story = (article.title, article.date.isoformat(), getattr(article, "lang", "") or "")
    return Entry(newest.date().isoformat() if newest else None, year, story)


def children(entries: dict[str, Entry], max_urls: int) -> dict[str, list[str]]:
    """Child sitemap name -> the relative paths it lists: a year's, then the site's, split past max_urls."""
    groups: dict[str, list[str]] = {}
    for relative in sorted(entries):
        year = entries[relative].year
        groups.setdefault(str(year) if year else "site", []).append(relative)
    named = {}
    for key in sorted(groups):
        paths = groups[key]
        for part, start in enumerate(range(0, len(paths), max_urls), start=1):
            named[f"{CHILDREN}/{key}{'' if part == 1 else f'-{part}'}.xml"] = paths[start:start + max_urls]
    return named


def urlset(siteurl: str, entries: dict[str, Entry], paths: list[str]) -> str:
    rows = []
    for relative in paths:
        lastmod = f"<lastmod>{entries[relative].lastmod}</lastmod>" if entries[relative].lastmod else ""
        rows.append(f"<url><loc>{escape(siteurl)}/{escape(relative.removesuffix('index.html'))}</loc>{lastmod}</url>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_SITEMAP_NS}">\n'
            + "".join(f"{row}\n" for row in rows) + "</urlset>\n")


def sitemap_index(siteurl: str, entries: dict[str, Entry], named: dict[str, list[str]]) -> str:
    rows = []
    for name, paths in named.items():
        newest = max((entries[path].lastmod for path in paths if entries[path].lastmod), default=None)
        lastmod = f"<lastmod>{newest}</lastmod>" if newest else ""
        rows.append(f"<sitemap><loc>{escape(siteurl)}/{escape(name)}</loc>{lastmod}</sitemap>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{_SITEMAP_NS}">\n'
            + "".join(f"{row}\n" for row in rows) + "</sitemapindex>\n")


def news_stories(entries: dict[str, Entry], until: datetime | None) -> list[tuple[str, Entry]]:
    """The stories of the NEWS_DAYS days up to `until` (or the newest story), newest first."""
    stories = [(path, entry) for path, entry in entries.items() if entry.story]
    if not stories:
        return []
    published = {path: datetime.fromisoformat(entry.story[1]) for path, entry in stories}
    published = {path: stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC) for path, stamp in published.items()}
    until = until or max(published.values())
    recent = [(path, entry) for path, entry in stories
              if until - timedelta(days=NEWS_DAYS) < published[path] <= until]
    recent.sort(key=lambda item: (published[item[0]], item[0]), reverse=True)
    return recent[:NEWS_MAX_STORIES]


def news_sitemap(siteurl: str, sitename: str, default_lang: str, stories: list[tuple[str, Entry]]) -> str:
    rows = []
    for relative, entry in stories:
        title, published, lang = entry.story
        rows.append(
            f"<url><loc>{escape(siteurl)}/{escape(relative.removesuffix('index.html'))}</loc>"
            f"<news:news><news:publication><news:name>{escape(sitename)}</news:name>"
            f"<news:language>{escape(news_language(lang or default_lang))}</news:language></news:publication>"
            f"<news:publication_date>{escape(published)}</news:publication_date>"
            f"<news:title>{escape(title)}</news:title></news:news></url>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_SITEMAP_NS}" xmlns:news="{_NEWS_NS}">\n'
            + "".join(f"{row}\n" for row in rows) + "</urlset>\n")


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` unless the file already holds it: an unchanged child keeps its time."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomically(path, data)
    return True


class Sitemap:
    """Collects every page written, then writes the sitemaps once at the end."""

    def __init__(self):
        self.pages: dict[str, Entry] = {}

    def page_written(self, path, context):
        relative = os.path.relpath(path, context.get("OUTPUT_PATH") or ".").replace(os.sep, "/")
        entry = page_entry(relative, context)
        if entry is not None:
            self.pages[relative] = entry

    def write(self, pelican):
        settings = pelican.settings
        output = Path(pelican.output_path)
        siteurl = site_address(settings)
        named = children(self.pages, max(1, int(settings.get("SITEMAP_MAX_URLS", MAX_URLS))))
        for name, paths in named.items():
            write_if_changed(output / name, urlset(siteurl, self.pages, paths))
        for stale in sorted((output / CHILDREN).glob("*.xml")):
            if f"{CHILDREN}/{stale.name}" not in named:
                stale.unlink()
        write_if_changed(output / "sitemap.xml", sitemap_index(siteurl, self.pages, named))
        stories = news_stories(self.pages, build_epoch())
        write_if_changed(output / "news-sitemap.xml",
                         news_sitemap(siteurl, settings["SITENAME"], settings.get("DEFAULT_LANG", "en"), stories))
        self.pages = {}


# Signals hold receivers weakly: the sitemap must live as long as the module.
SITEMAP = Sitemap()
