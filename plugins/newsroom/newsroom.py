"""News Digest's own Pelican plugin: what no plugin on PyPI does for us.

- groups each story's tags by kind (Places, People, Organizations), from the
  converter's metadata, and counts tags per kind for the tags index;
- links each day's edition to the previous and next edition;
- finds related stories (shared tags, nearby in time) in linear time;
- estimates reading time once per story;
- credits each story to its outlet and lists each outlet's stories (sources.py);
- writes a deterministic sitemap (pelican-sitemap stamps index pages with the
  build time, which breaks byte-identical builds);
- reads every post the same way, checked and sanitized, and leaves out with
  one line a post it cannot place (reader.py), so the build ends non-zero;
- keeps its caches whole through crashes and across configurations (caches.py);
- spares Pelican work it repeats (speed.py);
- renders only the pages whose inputs changed since the last build (incremental.py).
"""

from __future__ import annotations

import heapq
import logging
import math
import os
from collections import Counter
from xml.sax.saxutils import escape

from pelican import signals

from .caches import make_caches_durable, write_atomically
from .incremental import provide_writer, save_ledger
from .ordering import order_stories
from .parallel import convert_on_every_core
from .reader import LEFT_OUT, LeftOutFilter, use_site_reader
from .sources import add_sources_generator, credit_sources
from .speed import (
    cache_urls,
    collect_as_usual,
    collect_less,
    linearise_listings,
    set_stories_aside,
)

log = logging.getLogger(__name__)

TAG_KINDS = (("places", "Places"), ("people", "People"), ("organizations", "Organisations"))
WORDS_PER_MINUTE = 230
SITEMAP_EXCLUDE = ("404.html", "search/index.html")


def _names(value) -> list[str]:
    return [name for name in map(str.strip, str(value or "").split(",")) if name]


def prepare_articles(generator) -> None:
    """Per-story values templates read on many pages, computed once per build.

    `tag_groups`, `reading_minutes`, `edition_url` and `iso_date` on every
    article; `TAG_KIND` (tag name -> kind) and `TAGS_BY_KIND` in the context.
    """
    kind_of: dict[str, str] = {}
    day_url = generator.settings.get("DAY_ARCHIVE_URL")
    edition_urls: dict = {}  # a day's edition URL, formatted once per day
    for article in generator.articles:
        groups = []
        by_name = {tag.name: tag for tag in getattr(article, "tags", [])}
        for key, label in TAG_KINDS:
            tags = [by_name[name] for name in _names(getattr(article, key, "")) if name in by_name]
            for tag in tags:
                kind_of.setdefault(tag.name, label)
            if tags:
                groups.append((label, tags))
        article.tag_groups = groups
        day = article.date.date()
        if day not in edition_urls:
            edition_urls[day] = day_url.format(date=article.date) if day_url else ""
        article.edition_url = edition_urls[day]
        article.iso_date = article.date.isoformat()
        words = len(article._content.split()) if article._content else 0
        article.reading_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))
    counts = Counter()
    for tag, articles in generator.tags.items():
        counts[tag] = len(articles)
    by_kind = []
    for _, label in (*TAG_KINDS, (None, "Other")):
        tags = [tag for tag in counts if kind_of.get(tag.name, "Other") == label]
        tags.sort(key=lambda tag: (-counts[tag], tag.name))
        if tags:
            by_kind.append((label, [(tag, counts[tag]) for tag in tags]))
    generator.context["TAG_KIND"] = kind_of
    generator.context["TAGS_BY_KIND"] = by_kind


RELATED_WINDOW = 6  # stories on each side of a story, in each of its tags' timelines


def relate_stories(generator) -> None:
    """`article.related_posts`: the stories sharing most tags with it, from around its time.

    Candidates are the stories next to it in each of its tags' timelines, so
    the work stays linear in the archive (pelican-related-posts counts every
    story of every shared tag: minutes at tens of thousands). Ties go to the
    story closest in time, then to the source path, so builds are repeatable.
    Stories are numbered once, so the counting runs over integers.
    """
    limit = generator.settings.get("RELATED_POSTS_MAX", 4)
    articles = generator.articles
    number = {id(article): n for n, article in enumerate(articles)}
    when = [article.date.timestamp() for article in articles]
    paths = [article.source_path or "" for article in articles]
    candidates: list[list[int]] = [[] for _ in articles]
    for timeline in generator.tags.values():
        numbers = [number[id(article)] for article in timeline if id(article) in number]
        for index, story in enumerate(numbers):
            candidates[story] += numbers[max(0, index - RELATED_WINDOW) : index]
            candidates[story] += numbers[index + 1 : index + 1 + RELATED_WINDOW]
    for story, article in enumerate(articles):
        now = when[story]
        ranked = [(-count, abs(when[other] - now), paths[other], other)
                  for other, count in Counter(candidates[story]).items()]
        article.related_posts = [articles[other] for *_, other in heapq.nsmallest(limit, ranked)]


def link_editions(generator) -> None:
    """`EDITIONS`: each day with stories -> (previous day, next day), each (date, url) or None."""
    url_format = generator.settings.get("DAY_ARCHIVE_URL")
    if not url_format:
        return
    days = sorted({article.date.date() for article in generator.articles})
    edition = {day: (day, url_format.format(date=day)) for day in days}
    neighbours = {}
    for index, day in enumerate(days):
        previous = edition[days[index - 1]] if index > 0 else None
        following = edition[days[index + 1]] if index + 1 < len(days) else None
        neighbours[(day.year, day.month, day.day)] = (previous, following)
    generator.context["EDITIONS"] = neighbours
    if days:
        latest = days[-1]
        generator.context["LATEST_EDITION"] = [
            article for article in generator.articles if article.date.date() == latest
        ]
        generator.context["LATEST_EDITION_URL"] = edition[latest][1]


class Sitemap:
    """Collects every page written, then writes sitemap.xml once at the end."""

    def __init__(self):
        self.pages: dict[str, str | None] = {}

    def page_written(self, path, context):
        if not path.endswith(".html"):
            return
        obj = context.get("article") or context.get("page")
        dates = [obj] if obj else (context.get("articles") or [])[:1]
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
_LEFT_OUT_FILTER = LeftOutFilter()


class PostsLeftOut(Exception):
    """Pelican's command line logs this as the build's last line and exits with
    `exitcode`; its devserver logs it and goes on watching."""

    exitcode = 1


class _NoTracebackForLeftOut(logging.Filter):
    """Pelican's command line logs every exception that ends a build with its
    traceback; a post left out is the editor's to fix, not a crash."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, PostsLeftOut):
            record.msg, record.args, record.exc_info, record.exc_text = "%s", (str(error),), None, None
        return True


_QUIET_LEFT_OUT = _NoTracebackForLeftOut()


def start_build(pelican_object) -> None:
    LEFT_OUT.clear()
    logging.getLogger("pelican.generators").addFilter(_LEFT_OUT_FILTER)
    logging.getLogger("pelican").addFilter(_QUIET_LEFT_OUT)


def leave_out_clashes(generator) -> None:
    """Two posts at one address would stop Pelican before it writes a page:
    the first (by file name) keeps it, the other is left out with one line."""
    owner: dict[str, object] = {}
    kept = []
    for article in sorted(generator.articles, key=lambda article: article.source_path):
        first = owner.setdefault(article.save_as, article)
        if first is article:
            kept.append(article)
            continue
        where = os.path.relpath(article.source_path, generator.path)
        LEFT_OUT[where] = "same address as another post"
        log.error("%s: same address (%s) as %s; give it another Slug or Date; left out of the site",
                  where, article.url, os.path.relpath(first.source_path, generator.path))
    if len(kept) != len(generator.articles):
        keep = set(map(id, kept))
        generator.articles = [article for article in generator.articles if id(article) in keep]


def end_build(pelican_object) -> None:
    if LEFT_OUT:
        count = len(LEFT_OUT)
        raise PostsLeftOut(f"{count} post{'s' if count != 1 else ''} left out of the site "
                           "(see the errors above); the rest is built")


def register():
    cache_urls()
    linearise_listings()
    make_caches_durable()
    collect_less()
    signals.initialized.connect(order_stories)
    signals.initialized.connect(start_build)
    signals.readers_init.connect(use_site_reader)
    signals.article_generator_pretaxonomy.connect(leave_out_clashes)
    signals.article_generator_init.connect(convert_on_every_core)
    signals.get_writer.connect(provide_writer)
    signals.finalized.connect(save_ledger)
    signals.article_generator_finalized.connect(prepare_articles)
    signals.article_generator_finalized.connect(link_editions)
    signals.article_generator_finalized.connect(relate_stories)
    signals.article_generator_finalized.connect(credit_sources)
    signals.get_generators.connect(add_sources_generator)
    signals.article_generator_finalized.connect(set_stories_aside)
    # content_written fires for every page, listing pages included; finalized
    # once, after all writing, so the sitemap sees the whole site.
    signals.content_written.connect(SITEMAP.page_written)
    signals.finalized.connect(SITEMAP.write)
    signals.finalized.connect(collect_as_usual)
    signals.finalized.connect(end_build)  # last: it may end the build non-zero
