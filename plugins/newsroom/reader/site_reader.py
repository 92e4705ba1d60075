"""How the site reads a post, in Markdown, reStructuredText or HTML: the same rules for each.

Posts come from the converter, which escapes what it writes, and from
editors, who type them by hand or bring them from another Pelican site. So
every post, whoever wrote it and in whichever format:

- is read as UTF-8, with control characters removed (one in a story stops
  Pelican's feed writer: XML 1.0 cannot carry them);
- has its header checked field by field (fields.py): a value that cannot be
  used gives one warning and the story is built without it; a post that
  cannot stand without it is left out with one error line naming the file
  and the field, and the build ends non-zero (left_out.py);
- has its body and summary HTML passed through one allow-list (sanitize.py),
  so no script, event handler, `<meta>` refresh, `javascript:`, `vbscript:`
  or `data:` URL, nor an image from another host, survives;
- in reST, cannot include a file or raw HTML: docutils' `include`, `raw` and
  file-insertion options are off whatever DOCUTILS_SETTINGS says, and what
  docutils has to say about a post is one warning line per message, never
  a post left out for a heading's underline.

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

import docutils.core
import docutils.io
from docutils import nodes
from markdown import Markdown
from markupsafe import Markup
from pelican.readers import (
    _DISCARD,
    HTMLReader,
    MarkdownReader,
    PelicanHTMLTranslator,
    PelicanHTMLWriter,
    RstReader,
)

from ..left_out import BadPost, report
from ..patching import patches_on
from .fields import checked_metadata, fast_date, first_of
from .sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, sanitize

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "ALLOWED_URL_SCHEMES", "SiteHTMLReader", "SiteMarkdownReader",
           "SiteRstReader", "post_text", "sanitize", "use_site_reader"]

log = logging.getLogger(__name__)
_META_PRIORITY = 27  # where markdown.extensions.meta registers its preprocessor
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Whatever DOCUTILS_SETTINGS says: no file read into a post, no raw HTML, and a
# docutils message is a warning line (halt_level 5: no message stops the read).
SAFE_DOCUTILS = {"file_insertion_enabled": False, "raw_enabled": False, "halt_level": 5, "report_level": 2}


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


class _CheckedFields:
    """What the three site readers share: the post's text, each header value
    processed without raising, and the header checked (fields.py)."""

    title_is_html = False  # Markdown and reST give the title as text

    def _start(self, source_path) -> None:
        self._where_now = os.path.relpath(source_path, self.settings["PATH"])
        self._unusable: list[tuple[str, object]] = []

    def _text(self, source_path) -> str:
        text, removed = post_text(source_path)
        if removed:
            log.warning("%s: removed %d control character(s)", self._where_now, removed)
        return text

    def process_metadata(self, name, value):
        """Pelican's processing, except that a value it cannot use is noted
        (and reported by `_checked`) instead of ending the read. File names
        go through here too, before the read: one that is not a date is no date."""
        value = first_of(name, value, getattr(self, "_where_now", ""))
        try:
            day = fast_date(name, value)
            return day if day is not None else super().process_metadata(name, value)
        except (ValueError, OverflowError, TypeError, AttributeError):
            self.__dict__.setdefault("_unusable", []).append((name, value))
            return _DISCARD

    def _checked(self, metadata: dict) -> dict:
        return checked_metadata(metadata, self._unusable, self.settings, self._where_now, self.title_is_html)

    def _siteurl(self) -> str:
        return self.settings.get("SITEURL", "")


class SiteMarkdownReader(_CheckedFields, MarkdownReader):
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

    def _metadata(self, raw: dict | None) -> dict:
        return self._checked(self._parse_metadata(raw) if raw else {})

    def read(self, source_path):
        self._start(source_path)
        md = self._prepare(source_path)
        try:
            content = sanitize(md.convert(self._text(source_path)), self._siteurl())
            return content, self._metadata(getattr(md, "Meta", None))
        except BadPost as error:
            raise report(self._where_now, error) from None

    def metadata_from(self, source_path, raw: dict | None) -> dict:
        """Pelican's metadata, as its reader cache holds it, from a Markdown meta
        block's raw lines: parallel.py converts the bodies in other processes
        and hands the raw block back here."""
        self._start(source_path)
        self._prepare(source_path)
        try:
            return self._metadata(raw)  # checked_metadata drops Pelican's discard markers
        except BadPost as error:
            raise report(self._where_now, error) from None


class _QuietTranslator(PelicanHTMLTranslator):
    """docutils' messages are logged as warning lines, not printed in the story."""

    def visit_system_message(self, node):
        raise nodes.SkipNode

    def visit_section(self, node):
        if "system-messages" in node["classes"]:  # the section docutils gathers them in
            raise nodes.SkipNode
        super().visit_section(node)


class _QuietWriter(PelicanHTMLWriter):
    def __init__(self):
        super().__init__()
        self.translator_class = _QuietTranslator


class _Messages:
    """docutils' warning stream: one write per message; its first line kept."""

    _LINE = re.compile(r"^.*?:(\d*): \(\w+/\d\) (.*)$")

    def __init__(self):
        self.lines: list[tuple[str, str]] = []

    def write(self, data) -> None:
        first = str(data).strip().split("\n", 1)[0]
        match = self._LINE.match(first)
        self.lines.append((match.group(1), match.group(2)) if match else ("", first))

    def flush(self) -> None:
        pass


class SiteRstReader(_CheckedFields, RstReader):
    """RstReader reading the checked text with include and raw turned off, its
    messages as warnings, its HTML sanitized, its header checked."""

    writer_class = _QuietWriter

    def _get_publisher(self, source_path):
        """Pelican's publisher (its settings, then DOCUTILS_SETTINGS), fed the
        checked text, with SAFE_DOCUTILS last."""
        self._messages = _Messages()
        params = {
            "initial_header_level": "2", "syntax_highlight": "short", "input_encoding": "utf-8",
            "language_code": self._language_code, "traceback": True, "embed_stylesheet": False,
            **(self.settings.get("DOCUTILS_SETTINGS") or {}),
            **SAFE_DOCUTILS, "warning_stream": self._messages,
        }
        publisher = docutils.core.Publisher(reader="standalone", parser="restructuredtext",
                                            writer=self.writer_class(), source_class=docutils.io.StringInput,
                                            destination_class=docutils.io.StringOutput)
        publisher.process_programmatic_settings(None, params, None)
        publisher.set_source(source=self._text(source_path), source_path=source_path)
        publisher.publish()
        return publisher

    def read(self, source_path):
        self._start(source_path)
        try:
            publisher = self._get_publisher(source_path)
            for line, message in self._messages.lines:
                log.warning("%s: %s%s", self._where_now, f"line {line}: " if line else "", message)
            for message in list(publisher.document.findall(nodes.system_message)):  # logged above
                message.parent.remove(message)
            metadata = self._parse_metadata(publisher.document, source_path)
            if "title" not in metadata:
                metadata["title"] = Markup(publisher.writer.parts.get("title") or "").striptags()
            content = sanitize(publisher.writer.parts.get("body") or "", self._siteurl())
            return content, self._checked(metadata)
        except BadPost as error:
            raise report(self._where_now, error) from None


class SiteHTMLReader(_CheckedFields, HTMLReader):
    """HTMLReader reading the checked text, its body sanitized, its header checked."""

    title_is_html = True

    def read(self, filename):
        self._start(filename)
        try:
            parser = self._HTMLParser(self.settings, filename)
            parser.feed(self._text(filename))
            parser.close()
            metadata = {name: self.process_metadata(name, value) for name, value in parser.metadata.items()}
            return sanitize(parser.body, self._siteurl()), self._checked(metadata)
        except BadPost as error:
            raise report(self._where_now, error) from None


SITE_READERS = {MarkdownReader: SiteMarkdownReader, RstReader: SiteRstReader, HTMLReader: SiteHTMLReader}


def use_site_reader(readers) -> None:
    """readers_init fires before Pelican instantiates its readers: swap ours in,
    for every extension Pelican's own readers would have read."""
    for extension, reader_class in readers.reader_classes.items():
        if reader_class in SITE_READERS:
            readers.reader_classes[extension] = SITE_READERS[reader_class]
