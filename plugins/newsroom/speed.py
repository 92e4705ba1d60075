"""Work Pelican repeats that only needs doing once per build.

- An article's, page's, tag's or desk's URL is recomputed (string formatting
  and Pelican's slow strftime) on every access; a listing page reads dozens.
  Computed once and kept on the object, the URLs are the same strings.
- MarkdownReader builds a new Markdown instance (all extensions) per file;
  one instance, reset between files, parses the same.
"""

from __future__ import annotations

from markdown import Markdown
from pelican.contents import Article, Page
from pelican.readers import MarkdownReader
from pelican.urlwrappers import URLWrapper
from pelican.utils import pelican_open

_META_PRIORITY = 27  # where markdown.extensions.meta registers its preprocessor


def _cached(compute):
    def url(self):
        cache = self.__dict__.setdefault("_url_cache", {})
        if compute not in cache:
            cache[compute] = compute(self)
        return cache[compute]

    return property(url)


def cache_urls() -> None:
    for cls in (Article, Page, URLWrapper):
        if not getattr(cls, "_newsroom_cached", False):
            cls.url = _cached(cls.url.fget)
            cls.save_as = _cached(cls.save_as.fget)
            cls._newsroom_cached = True


class SharedMarkdownReader(MarkdownReader):
    """MarkdownReader with one Markdown instance for every file it reads."""

    def read(self, source_path):
        self._source_path = source_path
        if getattr(self, "_shared", None) is None:
            self._shared = Markdown(**self.settings["MARKDOWN"])
            self._meta = self._shared.preprocessors["meta"]
        md = self._md = self._shared
        md.reset()
        if "meta" not in md.preprocessors:  # _parse_metadata removes it for each file
            md.preprocessors.register(self._meta, "meta", _META_PRIORITY)
        with pelican_open(source_path) as text:
            content = md.convert(text)
        metadata = self._parse_metadata(md.Meta) if getattr(md, "Meta", None) else {}
        return content, metadata


def use_shared_markdown(readers) -> None:
    """readers_init fires before Pelican instantiates its readers: swap the class in."""
    for extension, reader_class in readers.reader_classes.items():
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = SharedMarkdownReader


class MembershipList(list):
    """A list whose `in` is a set lookup.

    Pelican's generate_tags and generate_categories test, for every tag and
    every article of the site, `article in articles_of_that_tag`: quadratic
    on a list. Same items, same order, only membership is constant-time.
    """

    def __init__(self, items=()):
        super().__init__(items)
        self._members = {id(item) for item in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._members


def index_listings(generator) -> None:
    """Give every tag's and desk's article list constant-time membership."""
    for tag in list(generator.tags):
        generator.tags[tag] = MembershipList(generator.tags[tag])
    generator.categories[:] = [(desk, MembershipList(items)) for desk, items in generator.categories]
