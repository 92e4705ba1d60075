"""Work Pelican repeats that only needs doing once per build.

- Dates in URLs go through Pelican's Python strftime; plain formats need not,
  and a day's date is formatted the same way thousands of times a build.
- A story's path relative to the content folder (two abspaths and a relpath)
  is recomputed four times per story; it never changes.
- An article's, page's, tag's or desk's URL is recomputed (string formatting
  and Pelican's slow strftime) on every access; a listing page reads dozens.
  Computed once and kept on the object, the URLs are the same strings.
- Pelican finds translations with a list-membership test per story
  (quadratic); the same grouping, with a set.
- Python's cycle collector walks every live object on each full collection,
  and a build keeps every story alive: it runs less often during the build,
  and the stories, once read, are set aside from it (gc.freeze) until the end.
"""

from __future__ import annotations

import calendar
import gc
import logging
import os
from collections import defaultdict
from datetime import datetime
from itertools import groupby
from operator import attrgetter

import pelican.generators
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator
from pelican.urlwrappers import URLWrapper
from pelican.utils import SafeDatetime, get_original_items, posixize_path
from pelican.utils import strftime as pelican_strftime
from pelican.writers import FileOverwriteFailedError

from .patching import register_patch

log = logging.getLogger(__name__)


_FORMATTED: dict = {}


def _plain_strftime(self, fmt, safe=True):
    """Pelican's strftime formats each directive in Python, to support `%-d`.

    Only formats with such a flag need it; the rest (every URL's `{date:%Y}`)
    go straight to the C strftime, which gives the same text. Results are
    kept per instant, offset and zone name: equal datetimes in other zones
    print differently.
    """
    key = (self, self.utcoffset(), self.tzname(), fmt, safe)
    text = _FORMATTED.get(key)
    if text is None:
        if safe and "%-" in fmt:
            text = pelican_strftime(self, fmt)
        else:
            text = datetime.strftime(self, fmt)
        _FORMATTED[key] = text
    return text


def _inside(content) -> str | None:
    """The source path relative to PATH by slicing, when the file lies inside
    PATH: what os.path.relpath gives there, without splitting both paths."""
    base = os.path.abspath(content.settings["PATH"])
    path = os.path.abspath(os.path.join(base, content.source_path))
    return posixize_path(path[len(base) + 1 :]) if path.startswith(base + os.sep) else None


def _relative_source_path(original):
    def relative_source_path(self, source_path=None):
        if source_path and source_path != self.source_path:
            return original(self, source_path)
        kept = self.__dict__.get("_newsroom_relative")
        if kept is None or kept[0] != self.source_path:
            relative = _inside(self) if self.source_path else None
            kept = self.__dict__["_newsroom_relative"] = (self.source_path, relative or original(self))
        return kept[1]

    return relative_source_path


def _cached(compute):
    """The URL computed once for as long as what it is made of stays: a story
    whose slug, status or date changes after the first read gets a new one."""

    def url(self):
        cache = self.__dict__.setdefault("_url_cache", {})
        key = (compute, getattr(self, "slug", None), getattr(self, "status", None), getattr(self, "date", None))
        if key not in cache:
            cache[key] = compute(self)
        return cache[key]

    return property(url)


def cache_urls() -> None:
    register_patch(SafeDatetime, "strftime", lambda original: _plain_strftime)
    register_patch(Content, "get_relative_source_path", _relative_source_path)
    for cls in (Article, Page, URLWrapper):
        register_patch(cls, "url", lambda prop: _cached(prop.fget))
        register_patch(cls, "save_as", lambda prop: _cached(prop.fget))


_USUAL_GC_THRESHOLD = gc.get_threshold()
YOUNG_OBJECTS_BEFORE_COLLECTION = 20_000  # Python's default is 700


def collect_less(*_) -> None:
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTION, *_USUAL_GC_THRESHOLD[1:])


def set_stories_aside(generator) -> None:
    gc.freeze()


def collect_as_usual(*_) -> None:
    """At the end of a build: an editor's devserver, or the tests, go on in this process."""
    gc.unfreeze()
    gc.set_threshold(*_USUAL_GC_THRESHOLD)


# ---- Linear versions of Pelican 4.12.0's quadratic listing code ------------
# Pelican builds each tag's, desk's, author's and period's `dates` list by testing every
# article of the site for membership in that listing: tags x articles (and
# periods x articles) comparisons, seconds at 10,000 stories. These mirror
# Pelican 4.12.0's methods line for line, except that the per-listing lists
# come from one pass (sorted, or bucketed) instead. Same lists, same order.


def _by_date(generator, articles):
    """`[a for a in generator.dates if a in articles]`, without scanning the site."""
    return sorted(articles, key=attrgetter("date"), reverse=generator.context["NEWEST_FIRST_ARCHIVES"])


def _write_listing(self, write, template, wrapper, articles, name, **extra):
    try:
        write(wrapper.save_as, template, self.context, url=wrapper.url, articles=articles,
              dates=_by_date(self, articles), template_name=name, blog=True,
              page_name=wrapper.page_name, all_articles=self.articles, **extra)
    except FileOverwriteFailedError:
        if wrapper.slug:
            log.error('Failed to write %s page for "%s".', name, wrapper)
            raise
        log.info('%s "%s" has an invalid slug; skipping its page', name, wrapper)


def generate_tags(self, write):
    template = self.get_template("tag")
    for tag, articles in self.tags.items():
        _write_listing(self, write, template, tag, articles, "tag", tag=tag)


def generate_categories(self, write):
    template = self.get_template("category")
    for category, articles in self.categories:
        _write_listing(self, write, template, category, articles, "category", category=category)


def generate_authors(self, write):
    template = self.get_template("author")
    for author, articles in self.authors:
        _write_listing(self, write, template, author, articles, "author", author=author)


def build_period_archives(self, sorted_articles, articles, settings):
    period_archives = defaultdict(list)
    keys = {
        "year": attrgetter("date.year"),
        "month": attrgetter("date.year", "date.month"),
        "day": attrgetter("date.year", "date.month", "date.day"),
    }
    for granularity, key_func in keys.items():
        save_as_fmt = settings[f"{granularity.upper()}_ARCHIVE_SAVE_AS"]
        url_fmt = settings[f"{granularity.upper()}_ARCHIVE_URL"]
        if not save_as_fmt:
            continue
        in_order: dict = defaultdict(list)  # each period's articles, in `articles` order
        for article in articles:
            in_order[key_func(article)].append(article)
        for period, group in groupby(sorted_articles, key=key_func):
            dates = list(group)
            d = dates[0].date
            archive = {
                "dates": dates,
                "articles": in_order[period],
                "save_as": save_as_fmt.format(date=d),
                "url": url_fmt.format(date=d),
            }
            if granularity == "year":
                archive["period"] = archive["period_num"] = (period,)
            else:
                month_name = calendar.month_name[period[1]]
                archive["period"] = (period[0], month_name, *period[2:])
                archive["period_num"] = tuple(period)
            period_archives[granularity].append(archive)
    return period_archives


def linearise_listings() -> None:
    register_patch(ArticlesGenerator, "generate_tags", lambda original: generate_tags)
    register_patch(ArticlesGenerator, "generate_categories", lambda original: generate_categories)
    register_patch(ArticlesGenerator, "generate_authors", lambda original: generate_authors)
    register_patch(ArticlesGenerator, "_build_period_archives", lambda original: build_period_archives)


def process_translations(content_list, translation_id=None):
    """Pelican 4.12.0's process_translations line for line, except that the
    translations are those not kept as originals by identity, not by scanning
    the list of originals for each story."""
    if not translation_id:
        return content_list, []
    if isinstance(translation_id, str):
        translation_id = {translation_id}
    index = []
    try:
        content_list.sort(key=attrgetter(*translation_id))
    except TypeError:
        raise TypeError(f"Cannot unpack {translation_id}, 'translation_id' must be falsy, a"
                        " string or a collection of strings") from None
    except AttributeError:
        raise AttributeError(f"Cannot use {translation_id} as 'translation_id', there "
                             "appear to be items without these metadata attributes") from None
    for id_vals, items in groupby(content_list, attrgetter(*translation_id)):
        id_vals = (id_vals,) if len(translation_id) == 1 else id_vals
        with_str = "with" + ", ".join([' {} "{{}}"'] * len(translation_id)).format(
            *translation_id).format(*id_vals)
        items = list(items)
        index.extend(get_original_items(items, with_str))
        for a in items:
            a.translations = [x for x in items if x != a]
    originals = set(map(id, index))
    return index, [x for x in content_list if id(x) not in originals]


def find_translations_linearly() -> None:
    register_patch(pelican.generators, "process_translations", lambda original: process_translations)
