"""Posts left out of a build: counted, each with one line, and the build ends
non-zero (a post left out is the editor's to fix, not a crash)."""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)

LEFT_OUT: dict[str, str] = {}  # post (relative to PATH) -> why


class BadPost(ValueError):
    """A post that cannot be placed on the site; the message is one line."""


def report(where: str, error: Exception) -> BadPost:
    """Log the one line for a post left out, and remember it for the build's last line."""
    if where not in LEFT_OUT:
        LEFT_OUT[where] = str(error)
        log.error("%s: %s; left out of the site", where, error)
    return error if isinstance(error, BadPost) else BadPost(str(error))


# Pelican's own lines for a post it drops after reading it, and what each means
# in one line of ours. Its "Skipping" line names the absolute path and the
# attribute, and is not followed by "Could not process": uncounted, the build
# would end with 0.
_PELICAN_DROPS = {
    "Skipping %s: could not find information about '%s'": lambda prop: (
        "no Date, in its header or its file name (YYYY-MM-DD-title.md)" if prop == "date"
        else f"no {prop.capitalize()}"),
    "Skipping %s: file %r would be written outside output path": lambda save_as: (
        f"its address {save_as!r} is outside the site"),
    "Unknown status '%s' for file %s, skipping it. (Not in %s)": lambda status: f"Status {status!r} is unknown",
}
_PATH: list[str] = [""]  # the content folder of this build, for the lines' relative paths


def _relative(path) -> str:
    path = str(path)
    return os.path.relpath(path, _PATH[0]) if os.path.isabs(path) and _PATH[0] else path


class LeftOutFilter(logging.Filter):
    """Pelican logs "Could not process PATH" with no reason: the reader has
    already said why in one line. Any other post Pelican gives up on is
    counted as left out, with one line of ours instead of Pelican's, so the
    build still ends non-zero."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in _PELICAN_DROPS and record.args:
            args = tuple(record.args)
            post, detail = (args[1], args[0]) if record.msg.startswith("Unknown status") else (args[0], args[1])
            where = _relative(post)
            if where in LEFT_OUT:
                return False
            LEFT_OUT[where] = _PELICAN_DROPS[record.msg](detail)
            record.msg, record.args = "%s: %s; left out of the site", (where, LEFT_OUT[where])
            return True
        if record.msg != "Could not process %s" or not record.args:
            return True
        where = str(record.args[0])
        if where in LEFT_OUT:
            return False
        LEFT_OUT[where] = "could not be read"
        return True


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
_LEFT_OUT_FILTER = LeftOutFilter()


def start_build(pelican_object) -> None:
    LEFT_OUT.clear()
    _PATH[0] = os.path.abspath(pelican_object.settings["PATH"])
    logging.getLogger("pelican.generators").addFilter(_LEFT_OUT_FILTER)
    logging.getLogger("pelican.contents").addFilter(_LEFT_OUT_FILTER)
    logging.getLogger("pelican").addFilter(_QUIET_LEFT_OUT)


# Every list of the articles generator whose stories get a page of their own.
WRITTEN_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                 "drafts_translations")


def leave_out_clashes(generator) -> None:
    """Two posts at one address would stop Pelican before it writes a page:
    the first (originals before translations, then by file name) keeps it,
    the other is left out with one line."""
    owner: dict[str, object] = {}
    dropped: set[int] = set()
    for name in WRITTEN_LISTS:
        for article in sorted(getattr(generator, name, []), key=lambda article: article.source_path):
            if not article.save_as:  # written nowhere (a draft in `make publish`): no address to share
                continue
            first = owner.setdefault(article.save_as, article)
            if first is article:
                continue
            dropped.add(id(article))
            where = os.path.relpath(article.source_path, generator.path)
            LEFT_OUT[where] = "same address as another post"
            log.error("%s: same address (%s) as %s; give it another Slug or Date; left out of the site",
                      where, article.url, os.path.relpath(first.source_path, generator.path))
    if dropped:
        for name in WRITTEN_LISTS:
            kept = [article for article in getattr(generator, name, []) if id(article) not in dropped]
            setattr(generator, name, kept)
            for article in kept:
                article.translations = [other for other in article.translations if id(other) not in dropped]


def end_build(pelican_object) -> None:
    if LEFT_OUT:
        count = len(LEFT_OUT)
        raise PostsLeftOut(f"{count} post{'s' if count != 1 else ''} left out of the site "
                           "(see the errors above); the rest is built")
