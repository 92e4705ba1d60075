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


class LeftOutFilter(logging.Filter):
    """Pelican logs "Could not process PATH" with no reason: the reader has
    already said why in one line. Any other post Pelican gives up on is
    counted as left out, so the build still ends non-zero."""

    def filter(self, record: logging.LogRecord) -> bool:
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
