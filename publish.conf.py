"""Settings for the web build (`make publish`): pelican.conf.py plus absolute URLs.

SITEURL comes from the environment so the deploy workflow can set it;
the default is the GitHub Pages address of this repository.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from pelican.settings import load_source

_base = load_source("news_digest_base_settings", str(Path(__file__).with_name("pelican.conf.py")))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

SITEURL = (os.environ.get("SITEURL") or "https://news-digest.github.io").rstrip("/")
SITE_PATH = urlparse(SITEURL).path.rstrip("/") + "/"  # Pagefind's base for result links
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
# Not emptied first: the incremental writer removes what a build no longer
# writes (plugins/newsroom/incremental.py), so a publish after a publish only
# rewrites what changed, and `make deploy` uploads only that.
DELETE_OUTPUT_DIRECTORY = False
# A draft's preview (drafts/ in `make html`) is for its editor's machine: the
# web build writes none, so no deploy puts it where a guessed address reads it.
DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""
# A cached tag carries the settings it was read with (SITEURL among them).
CACHE_PATH = "cache/publish"
sys.modules.pop("news_digest_base_settings", None)
