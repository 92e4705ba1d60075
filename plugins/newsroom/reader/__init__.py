"""Pelican's reader and its cache, owned in one place.

    site_reader.py  every post read the same way: checked, sanitized, one Markdown instance
    parallel.py     new posts converted on every core, filed in the reader cache
    cache.py        the reader cache loaded safely and saved atomically, only when it changed
"""

from .cache import make_caches_durable
from .parallel import convert_on_every_core
from .site_reader import SiteMarkdownReader, use_site_reader

__all__ = ["SiteMarkdownReader", "convert_on_every_core", "make_caches_durable", "use_site_reader"]
