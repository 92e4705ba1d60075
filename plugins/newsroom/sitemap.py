"""A deterministic sitemap (pelican-sitemap stamps index pages with the build
time, which breaks byte-identical builds), of published pages only: a draft
(`Status: draft`, written under drafts/ for a preview) and a hidden post
(`Status: hidden`, reachable by its link alone) are never listed."""

from __future__ import annotations

import os
from xml.sax.saxutils import escape

from .files import write_atomically

SITEMAP_EXCLUDE = ("404.html", "search/index.html")


def is_published(content) -> bool:
    """A listing (no story of its own) or a story whose Status is published."""
    return content is None or getattr(content, "status", "published") == "published"


class Sitemap:
    """Collects every page written, then writes sitemap.xml once at the end."""

    def __init__(self):
        self.pages: dict[str, str | None] = {}

    def page_written(self, path, context):
        obj = context.get("article") or context.get("page")
        if not path.endswith(".html") or not is_published(obj):
            return
        listed = context.get("articles_page")  # a listing page: its newest story (listings.py)
        shown = listed["stories"] if isinstance(listed, dict) else context.get("articles") or []
        dates = [obj] if obj else shown[:1]
        stamps = [getattr(item, "modified", None) or getattr(item, "date", None) for item in dates]
        newest = max((stamp for stamp in stamps if stamp), default=None)
        self.pages[path] = newest.date().isoformat() if newest else None

    def write(self, pelican):
        output = pelican.output_path
        siteurl = pelican.settings.get("SITEURL") or pelican.settings.get("FEED_DOMAIN", "")
        prefix = os.path.join(output, "")
        rows = []
        for path in sorted(self.pages):
            relative = path.removeprefix(prefix).replace(os.sep, "/")
            if relative in SITEMAP_EXCLUDE:
                continue
            url = relative.removesuffix("index.html")
            lastmod = f"<lastmod>{self.pages[path]}</lastmod>" if self.pages[path] else ""
            rows.append(f"<url><loc>{escape(siteurl)}/{escape(url)}</loc>{lastmod}</url>")
        text = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + "\n".join(rows) + "\n</urlset>\n")
        write_atomically(os.path.join(output, "sitemap.xml"), text.encode("utf-8"))
        self.pages = {}


# Signals hold receivers weakly: the sitemap must live as long as the module.
SITEMAP = Sitemap()
