"""Caches a crash or another build cannot poison.

Pelican's content cache is a pickle it writes in place: a build killed while
saving leaves a truncated file, and every later build stops on `EOFError`
until someone runs `make clean`. It also catches only some of the errors a
stale pickle raises (a module renamed since, another Pelican). Here:

- every cache and ledger is written to a temporary file and renamed into
  place, so a reader sees the old file or the new one, never half of either;
- a cache is stamped with the versions that wrote it and the settings it was
  read with (a cached tag or desk carries its TAG_URL, its slug rules...);
  one that is missing is normal, one read under other settings is dropped
  with one info line, one that is unreadable, of the wrong shape or from
  another version is dropped with one warning line, and the build starts afresh;
- the cache is re-pickled only when something was read afresh (at archive
  scale it is tens of megabytes, and a warm build reads nothing new);
- a post's cached reading is kept while the post's content hash is the same
  (the build model's, scripts/buildmodel.py, which build_site.py keeps; a
  post the model has not seen as it is, is hashed here), not its
  modification time: a post touched, or checked out afresh, is not read again.

Each build configuration keeps its own CACHE_PATH (pelican.conf.py,
publish.conf.py): a cached tag carries the settings it was read with.
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
import sys
from pathlib import Path

import pelican
from pelican.cache import FileDataCacher, FileStampDataCacher

from ..files import write_atomically
from ..incremental import _digest, _hash_tree, model_of, settings_digest
from ..model import SourceHashes
from ..patching import register_patch

log = logging.getLogger(__name__)

# Raise when what the plugin puts in the cache changes shape.
FORMAT = 3  # 3: reST and HTML posts read by the site's readers; remote images made links
VERSION = (FORMAT, pelican.__version__, sys.version_info[:2])


@functools.cache
def _reader_digest() -> str:
    """The reader's own code and the libraries it reads with: a fix to the
    sanitizer or the Markdown extensions reaches every cached post."""
    from importlib.metadata import version

    libraries = [(name, version(name)) for name in ("markdown", "docutils", "nh3", "lxml")]
    return _digest([_hash_tree(Path(__file__).parent), libraries])


def stamp_of(settings: dict) -> tuple:
    return (*VERSION, _reader_digest(), settings_digest(settings))


def load_cache(path: str, opener=open, stamp: tuple = VERSION) -> dict:
    """The cache at `path`, or {} (with one line saying why when a file was there but unusable)."""
    try:
        with opener(path, "rb") as stream:
            stamped = pickle.load(stream)
    except FileNotFoundError:
        return {}
    except Exception as error:  # noqa: BLE001 - any unreadable cache is dropped, never fatal
        log.warning("newsroom: %s is unreadable (%s); starting without it", path, type(error).__name__)
        return {}
    if not (isinstance(stamped, dict) and isinstance(stamped.get("version"), tuple)
            and isinstance(stamped.get("data"), dict)):
        log.warning("newsroom: %s was written by another version; starting without it", path)
        return {}
    if stamped["version"] != stamp:
        if stamped["version"][:len(VERSION)] != VERSION:
            log.warning("newsroom: %s was written by another version; starting without it", path)
        else:
            log.info("newsroom: %s was read with other settings; reading every post again", path)
        return {}
    return stamped["data"]


def _load_safely(original):
    def __init__(self, settings, cache_name, caching_policy, load_policy):
        original(self, settings, cache_name, caching_policy, False)
        self._newsroom_changed = False
        self._newsroom_stamp = stamp_of(settings)
        if load_policy:
            self._cache = load_cache(self._cache_path, self._cache_open, self._newsroom_stamp)

    return __init__


def _note_change(original):
    def cache_data(self, filename, data):
        self._newsroom_changed = True
        original(self, filename, data)

    return cache_data


def _save_atomically(original):
    def save_cache(self):
        if not self._cache_data_policy:
            return
        if not getattr(self, "_newsroom_changed", True) and os.path.exists(self._cache_path):
            return
        try:
            stamp = getattr(self, "_newsroom_stamp", VERSION)
            data = pickle.dumps({"version": stamp, "data": self._cache}, pickle.HIGHEST_PROTOCOL)
            if self._cache_open is not open:  # GZIP_CACHE
                import gzip

                data = gzip.compress(data)
            write_atomically(self._cache_path, data)
        except Exception as error:  # noqa: BLE001 - the next build reads afresh; this one is done
            log.warning("newsroom: could not save %s (%s: %s)", self._cache_path,
                        type(error).__name__, error)

    return save_cache


def _stamped_by_content(original):
    def __init__(self, settings, cache_name, caching_policy, load_policy):
        original(self, settings, cache_name, caching_policy, load_policy)
        self._filestamp_func = SourceHashes.of(model_of(settings))

    return __init__


def make_caches_durable() -> None:
    register_patch(FileDataCacher, "__init__", _load_safely)
    register_patch(FileDataCacher, "cache_data", _note_change)
    register_patch(FileDataCacher, "save_cache", _save_atomically)
    register_patch(FileStampDataCacher, "__init__", _stamped_by_content)
