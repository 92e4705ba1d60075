"""Parse the articles' Markdown on every core before Pelican reads them one by one.

Pelican converts each new or changed article in turn, on one core: at
archive scale that is half of a cold build. On `article_generator_init`
this converts every article the content cache does not already hold in
worker processes, and files the results where Pelican's reader looks first
(the reader cache), so Pelican's own loop only assembles them. Workers turn
Markdown into HTML and hand back the raw meta block; the metadata is made
here, by the site's own reader, so dates, tags and desks are the same
objects a serial build makes. A file a worker cannot read is left to
Pelican, which reads it again and reports it as it always does.

On a terminal, one bar counts the posts converted and another the posts
Pelican then reads, cached or not (progress.py): at archive scale each
stage runs for a minute with nothing else to show.

Workers are spawned, not forked: Pelican's console may hold a lock in
another thread when a fork happens.

It files results under the stamp Pelican's reader cache takes of a file
(`_get_file_stamp`, taken before converting), so it is one of the speedups
that follow the switch in patching.py: on another Pelican, Pelican reads
every file itself.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

from markdown import Markdown
from pelican import signals
from pelican.cache import FileDataCacher
from pelican.utils import file_suffix

from ..left_out import BadPost
from ..patching import patches_on
from ..progress import Stage, on_terminal
from .site_reader import SiteMarkdownReader, post_text, sanitize

# Below this many files to convert, starting the workers costs more than they save.
PARALLEL_READ_MIN_FILES = 1000
CHUNK_MAX = 500  # files a worker converts at a time: the bar moves at least this often
_worker: dict = {}
_reading: list[Stage] = []  # this build's bar over the posts Pelican reads
log = logging.getLogger(__name__)


def _start_worker(markdown_settings: dict, siteurl: str) -> None:
    _worker["md"] = Markdown(**markdown_settings)
    _worker["siteurl"] = siteurl


def _convert(paths: list[str]) -> list[tuple[str, str, dict]]:
    md, converted = _worker["md"], []
    for path in paths:
        try:
            md.reset()
            text, removed = post_text(path)
            if removed:
                continue  # the site's reader reads it again and says what it removed
            html = sanitize(md.convert(text), _worker["siteurl"])
        except Exception:  # noqa: BLE001 - Pelican reads it again and reports the error
            continue
        converted.append((path, html, dict(getattr(md, "Meta", {}))))
    return converted


def article_files(generator) -> list[str]:
    """The files Pelican's article loop reads, as it lists them."""
    return generator.get_files(generator.settings["ARTICLE_PATHS"], exclude=generator.settings["ARTICLE_EXCLUDES"])


def _to_convert(generator) -> dict[str, object]:
    """Articles read by the site's Markdown reader whose cached conversion is
    missing or older than the file, with the file's stamp taken now: taken
    after converting, it could vouch for a file edited in the meantime."""
    readers, pending = generator.readers, {}
    for name in article_files(generator):
        path = os.path.abspath(os.path.join(generator.path, name))
        if not isinstance(readers.readers.get(file_suffix(path)), SiteMarkdownReader):
            continue
        if readers.get_cached_data(path, None) is None:  # none, or older than the file
            pending[path] = readers._get_file_stamp(path)
    return pending


def _read_one(generator) -> None:
    for stage in _reading:
        stage.advance()


def _done_reading(generator) -> None:
    """Pelican's loop over the posts is over: its bar closes before anything else is said."""
    for stage in _reading:
        stage.close()
    _reading.clear()
    signals.article_generator_preread.disconnect(_read_one)
    signals.article_generator_pretaxonomy.disconnect(_done_reading)


def count_reading(generator, names: list[str]) -> None:
    """A bar over the posts Pelican reads next, one step per file it opens (or finds cached)."""
    _reading[:] = [Stage("reading posts", estimate=len(names))]
    signals.article_generator_preread.connect(_read_one)
    signals.article_generator_pretaxonomy.connect(_done_reading)


def convert_on_every_core(generator) -> None:
    settings, readers = generator.settings, getattr(generator, "readers", None)
    if on_terminal():  # listing the files costs a walk of content/: only for a bar
        count_reading(generator, article_files(generator))
    cores = len(os.sched_getaffinity(0))
    if cores < 2 or readers is None or not patches_on():
        return
    # A spawned worker starts from this process's sys.path; Pelican loads the
    # plugins without putting their folder there, and the workers import this module.
    added = [path for path in map(os.path.abspath, settings.get("PLUGIN_PATHS", [])) if path not in sys.path]
    sys.path[:0] = added
    try:
        pending = _to_convert(generator)  # a cache of another Pelican's shape fails here
        if len(pending) < max(1, settings.get("PARALLEL_READ_MIN_FILES", PARALLEL_READ_MIN_FILES)):
            return
        paths = list(pending)
        size = min(math.ceil(len(paths) / (cores * 4)), CHUNK_MAX)
        chunks = [paths[start : start + size] for start in range(0, len(paths), size)]
        context = multiprocessing.get_context("spawn")
        converting = Stage(f"converting posts on {cores} cores", estimate=len(paths))
        with converting, ProcessPoolExecutor(max_workers=cores, mp_context=context, initializer=_start_worker,
                                             initargs=(settings["MARKDOWN"], settings.get("SITEURL", ""))) as pool:
            for chunk, converted in zip(chunks, pool.map(_convert, chunks), strict=True):
                converting.advance(len(chunk))
                for path, html, raw in converted:
                    reader = readers.readers[file_suffix(path)]
                    try:
                        metadata = reader.metadata_from(path, raw)
                    except BadPost:
                        continue  # reported; Pelican reads it again and leaves it out
                    # The base class files the stamp taken before converting (and
                    # marks the cache as changed, so it is saved).
                    FileDataCacher.cache_data(readers, path, (pending[path], (html, metadata)))
    except Exception as error:  # noqa: BLE001 - what is not filed yet, Pelican converts itself
        log.warning("newsroom: converting on one core instead (%s: %s)", type(error).__name__, error)
        return
    finally:
        for path in added:
            sys.path.remove(path)
    log.info("newsroom: converted %d articles on %d cores", len(pending), cores)
