"""How the site reads a post: one Markdown instance, checked metadata, sanitized HTML.

Posts come from the converter, which escapes what it writes, and from
editors, who type them by hand. So every post, whoever wrote it:

- is read as UTF-8, with control characters removed (one in a story stops
  Pelican's feed writer: XML 1.0 cannot carry them);
- has its Title, Date, Modified, Slug, Category and Tags checked: a post
  that cannot be placed on the site is left out with one error line naming
  the file and the field, and the build ends non-zero (newsroom.py);
- has its body and summary HTML passed through nh3 with an allow-list made
  for news text, so no script, event handler, `<meta>` refresh or
  `javascript:`, `vbscript:` or `data:` URL survives.

Every other metadata value is plain text that the theme escapes.

MarkdownReader builds a new Markdown instance (all extensions) per file;
with the speedups on (patching.py), one instance, reset between files,
parses the same. That reuse leans on Python-Markdown's meta preprocessor
(its name and priority) and Pelican's `_md`, so it follows the switch.
"""

from __future__ import annotations

import logging
import os
import re

import nh3
from markdown import Markdown
from pelican.readers import MarkdownReader, _filter_discardable_metadata
from pelican.utils import get_date, slugify

from ..left_out import BadPost, report
from ..patching import patches_on

log = logging.getLogger(__name__)
_META_PRIORITY = 27  # where markdown.extensions.meta registers its preprocessor
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

# What news text needs, and nothing that runs: no script, style, form, frame,
# meta or event attribute; `id` and `class` only where Markdown's footnotes use them.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"dir", "lang", "title"},
    "a": {"href", "class"},
    "img": {"src", "alt", "width", "height"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "sup": {"id"},
    "li": {"id"},
    "div": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=ALLOWED_URL_SCHEMES)


def post_text(path: str) -> tuple[str, int]:
    """The post's text and how many control characters were removed from it."""
    with open(path, "rb") as stream:
        raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise BadPost(f"line {line}: not UTF-8 text (byte 0x{raw[error.start]:02x})") from None
    text, removed = _CONTROL.subn("", text)
    return text, removed


def check_raw_metadata(raw: dict) -> None:
    """Fields Pelican would otherwise reject without saying which."""
    title = " ".join(raw.get("title") or [])
    if not title.strip():
        raise BadPost("no Title")
    for field in ("date", "modified"):
        for value in raw.get(field) or []:
            try:
                get_date(value.replace("_", " ") if field == "date" else value)
            except (ValueError, OverflowError):
                raise BadPost(f"{field.capitalize()} {value!r} is not a date (YYYY-MM-DD)") from None


def clean_metadata(metadata: dict, settings: dict, where: str) -> dict:
    """Slugs, desks and tags that give a reachable address, or a warning and a fix."""
    slug = metadata.get("slug")
    if isinstance(slug, str):
        clean = slugify(slug, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
        if clean != slug:
            clean = clean or slugify(metadata.get("title", ""), regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
            if not clean:
                raise BadPost(f"Slug {slug!r} has no letter or digit, nor has the Title")
            log.warning("%s: Slug %r is not a clean address; using %r", where, slug, clean)
            metadata["slug"] = clean
    category = metadata.get("category")
    if category is not None and not category.slug:
        log.warning("%s: Category %r has no letter or digit; using the default desk", where, category.name)
        del metadata["category"]
    tags = metadata.get("tags")
    if tags:
        kept = [tag for tag in tags if tag.slug]
        for tag in tags:
            if not tag.slug:
                log.warning("%s: tag %r has no letter or digit; left out", where, tag.name)
        if kept:
            metadata["tags"] = kept
        else:
            del metadata["tags"]
    if isinstance(metadata.get("summary"), str):
        metadata["summary"] = sanitize(metadata["summary"])
    return metadata


class SiteMarkdownReader(MarkdownReader):
    """MarkdownReader with one Markdown instance, checked metadata and sanitized HTML."""

    def _prepare(self, source_path) -> Markdown:
        self._source_path = source_path
        if not patches_on():  # Pelican's way: a new instance per file
            self._md = Markdown(**self.settings["MARKDOWN"])
            return self._md
        if getattr(self, "_shared", None) is None:
            self._shared = Markdown(**self.settings["MARKDOWN"])
            self._meta = self._shared.preprocessors["meta"]
        md = self._md = self._shared
        md.reset()
        if "meta" not in md.preprocessors:  # _parse_metadata removes it for each file
            md.preprocessors.register(self._meta, "meta", _META_PRIORITY)
        return md

    def _where(self, source_path) -> str:
        return os.path.relpath(source_path, self.settings["PATH"])

    def _metadata(self, source_path, raw: dict | None) -> dict:
        try:
            check_raw_metadata(raw or {})
            return clean_metadata(self._parse_metadata(raw) if raw else {}, self.settings,
                                  self._where(source_path))
        except BadPost as error:
            raise report(self._where(source_path), error) from None

    def read(self, source_path):
        md = self._prepare(source_path)
        try:
            text, removed = post_text(source_path)
        except BadPost as error:
            raise report(self._where(source_path), error) from None
        if removed:
            log.warning("%s: removed %d control character(s)", self._where(source_path), removed)
        content = sanitize(md.convert(text))
        return content, self._metadata(source_path, getattr(md, "Meta", None))

    def metadata_from(self, source_path, raw: dict | None) -> dict:
        """Pelican's metadata, as its reader cache holds it, from a Markdown meta
        block's raw lines: parallel.py converts the bodies in other processes
        and hands the raw block back here."""
        self._prepare(source_path)
        return _filter_discardable_metadata(self._metadata(source_path, raw))


def use_site_reader(readers) -> None:
    """readers_init fires before Pelican instantiates its readers: swap the class in."""
    for extension, reader_class in readers.reader_classes.items():
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = SiteMarkdownReader
