"""Pelican settings for News Digest. `make html` builds with these; `make publish` adds publish.conf.py."""

import os
import tomllib
from pathlib import Path

AUTHOR = "News Digest"
SITENAME = "News Digest"
SITEURL = ""  # root-relative links locally; publish.conf.py sets the real address
SITE_PATH = "/"  # where the site lives on its host, for search result links
SITE_DESCRIPTION = "The day's world news, one edition a day."
PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]  # lead photos, made by the converter (scripts/ingest/photos.py)
OUTPUT_PATH = "output"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%A, %-d %B %Y"
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = False
THEME = "theme"
# Every value a template prints is escaped unless it is marked safe: only the
# body and summary are, and the site's reader has sanitized both
# (plugins/newsroom/reader/site_reader.py). Titles, desks, tags, captions and credits are text.
JINJA_ENVIRONMENT = {"autoescape": True}

# Only the plugins we use, never whatever happens to be installed.
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["pelican.plugins.neighbors", "newsroom"]
RELATED_POSTS_MAX = 4
FRONT_PAGE_DESK_STORIES = 4
FRONT_PAGE_LATEST_STORIES = 8

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "newsroom.bidi": {},
    },
    "output_format": "html5",
}

DIRECT_TEMPLATES = ["index", "tags", "categories", "archives", "search", "notfound", "robots"]
SEARCH_SAVE_AS = "search/index.html"
SEARCH_URL = "search/"
NOTFOUND_SAVE_AS = "404.html"
ROBOTS_SAVE_AS = "robots.txt"
# A translation is a story with the same slug on the same day, in another
# `Lang` (Pelican's Translation header works too): it lives beside its original,
# at <original's address>/<lang>/ (plugins/newsroom/translations.py). Two days
# carrying the same headline (and slug) are two stories, not translations.
ARTICLE_TRANSLATION_ID = ("slug", "date.year", "date.month", "date.day")
PAGE_TRANSLATION_ID = None
# reST posts may not read files or pass raw HTML (the site's reader enforces
# these whatever is set here: plugins/newsroom/reader/site_reader.py).
DOCUTILS_SETTINGS = {"file_insertion_enabled": False, "raw_enabled": False}


# ARTICLE_ORDER_BY is set by the newsroom plugin (plugins/newsroom/ordering.py):
# newest first, a day's stories by slug.
# The front page is one page (theme/templates/index.html says why). Topic, desk,
# outlet and month listings are headlines, 50 a page, their pages counted from
# the oldest so a page keeps its stories (plugins/newsroom/listings.py); a day's
# edition and a year's page are one page each.
LISTING_PAGE_STORIES = 50
PAGINATED_TEMPLATES = dict.fromkeys(["tag", "category", "period_archives", "source"], LISTING_PAGE_STORIES)
DESK_FRONT_SUMMARIES = 10  # a desk's first page: its newest 10 with summaries, then headlines


# A post written by hand without a Category lands on the converter's fallback
# desk, not on a desk named after its folder.
USE_FOLDER_AS_CATEGORY = False
_DATA = Path(__file__).resolve().parent / "scripts/ingest/data"
DEFAULT_CATEGORY = tomllib.loads((_DATA / "desks.toml").read_text(encoding="utf-8"))["fallback"]
# The kinds of tags and their labels: the same table the converter writes by.
TAG_KINDS = tomllib.loads((_DATA / "tag_kinds.toml").read_text(encoding="utf-8"))

# A post's Date may come from its file name (`2024-05-01-some-title.md`), as
# Pelican documents; a Date in the header wins. The site's reader reads a plain
# YYYY-MM-DD without dateutil, so 10,000 file names cost milliseconds.
SLUGIFY_SOURCE = "title"
FILENAME_METADATA = r"(?P<date>\d{4}-\d{2}-\d{2}).*"
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html"
# A story in another language (its `Lang`) lives at the same kind of address;
# a translation of another story lives beside it (see ARTICLE_TRANSLATION_ID).
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = PAGE_URL
PAGE_LANG_SAVE_AS = PAGE_SAVE_AS
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
DAY_ARCHIVE_URL = "{date:%Y}/{date:%m}/{date:%d}/"
DAY_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""

INDEX_URL = ""
DEFAULT_PAGINATION = 20
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds need absolute links: the local preview's address, or SITEURL when published.
FEED_DOMAIN = "http://127.0.0.1:8000"
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
SOURCE_FEED_ATOM = "feeds/source/{slug}.atom.xml"  # an outlet's (plugins/newsroom/sources.py)
# Beside every Atom feed, its JSON Feed 1.1 twin: feeds/all.json, feeds/tag/<slug>.json...
RSS_FEED_SUMMARY_ONLY = False
# The site-wide feeds: the newest 100 stories in full. A topic's or a desk's
# feed: its newest 20, summaries only (plugins/newsroom/incremental.py).
FEED_MAX_ITEMS = 100
LISTING_FEED_MAX_ITEMS = 20
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# New or changed articles are converted on every core when this many need it.
PARALLEL_READ_MIN_FILES = 1000

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CACHE_PATH = "cache/html"  # publish.conf.py keeps its own
CHECK_MODIFIED_METHOD = "mtime"
GZIP_CACHE = False  # the cache is read on every build: uncompressed loads faster

# The day's edition by email (plugins/newsroom/edition.py, scripts/edition.py):
# who it comes from, where a reader unsubscribes (the List-Unsubscribe header
# and the footer's link), and how much of each summary it carries (Gmail
# clips a message over 102 KB: 40 stories at 400 characters stay well under).
EDITION_FROM = os.environ.get("EDITION_FROM", "News Digest <edition@news-digest.example>")
EDITION_UNSUBSCRIBE_URL = os.environ.get("EDITION_UNSUBSCRIBE_URL", "")
EDITION_SUMMARY_CHARACTERS = 400
EDITION_EMAIL_SUMMARIES = 30  # the first stories with their summaries...
EDITION_EMAIL_STORIES = 60  # ...the next with their headlines; the rest: one link to the edition
