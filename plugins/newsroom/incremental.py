"""Incremental output: render a page only when something it shows has changed.

Pelican re-renders and rewrites every page on every build, cache or not.
This writer computes, before rendering, a fingerprint of everything a page
(or a paginated listing) is built from: the site-wide inputs (settings,
theme, plugins, desks and pages in the navigation), the source bytes and URL
of every story it lists, and for a story page its neighbours and related
stories. When the fingerprint and the files from the last build are still
there, the page is left as it is; the signals it would have sent are sent
anyway, so the sitemap still sees it. On a terminal, a bar counts the pages
rendered and kept, out of as many as the last build had (progress.py).

Files the last build wrote and this one did not (a removed story's page,
the last page of a listing that got shorter) are deleted, so a rebuild ends
where a clean build would. Deleting the cache (or `make clean`) gives a
full build.

The fingerprints are this build configuration's rows in the build model
(cache/build.db, scripts/buildmodel.py), saved in one transaction, only the
rows that changed. A story's source is known by its content hash, which the
model keeps from the build's up-to-date check (a story whose size, time or
inode differ from what the model saw is read and hashed here).

The ledger vouches for a file only while the file is the one this writer
left: same size, same modification time. A build that is killed never
saves its ledger, so every file is named in a journal
(CACHE_PATH/newsroom-pages.journal) before it is opened for writing; the
journal is deleted once the ledger is saved. A journal found at the start
means the last build died: the files it names are rendered again, and those
no page claims any more (a story deleted since) are removed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import pelican
from markupsafe import escape
from pelican import signals
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from .corrections import corrections_html
from .edition import is_day_edition, write_edition_email
from .epoch import dated_by_its_items
from .files import write_atomically
from .jsonfeed import json_feed, json_path
from .listings import later_pattern, listing_pages
from .model import SourceHashes, buildmodel
from .progress import Stage

log = logging.getLogger(__name__)
PAGES, LEDGER = "pages", "pages-of"  # the model's rows: one per page; which output they describe
JOURNAL = "newsroom-pages.journal"
LEDGER_FORMAT = 3  # 3: in the build model
_WRITERS: list = []
_STATIC: list[str] = []  # this build's static files, relative to the output folder
# Context our templates never read, though Pelican passes it to listings.
# If a template starts to use one of these, remove it from this set (a test fails first).
UNUSED_KWARGS = frozenset({"all_articles", "dates", "blog", "page_name"})
_SCALARS = (str, int, float, bool, type(None))
LISTED = frozenset({"articles", "dates"})  # what Pelican paginates; our listings pass `listing` and `articles_page`
# Where the project lies on disk, not what its pages show (the theme's and the
# plugins' files are hashed): a checkout moved elsewhere keeps its ledger.
_WHERE_SETTINGS = frozenset({"PATH", "OUTPUT_PATH", "CACHE_PATH", "THEME", "PLUGIN_PATHS",
                             "JINJA_FILTERS"})  # functions: their code is in the hashed plugins
# How a build runs, not what it makes: the same site whatever they say.
_HOW_SETTINGS = frozenset({"PARALLEL_READ_MIN_FILES", "CACHE_CONTENT", "LOAD_CONTENT_CACHE",
                           "CONTENT_CACHING_LAYER", "CHECK_MODIFIED_METHOD", "GZIP_CACHE", "DEBUG",
                           "LOG_FILTER", "DELETE_OUTPUT_DIRECTORY", "OUTPUT_RETENTION",
                           "NEWSROOM_RENDER_WORKERS"})


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()


def settings_digest(settings: dict) -> str:
    """The settings a build's output depends on, as one hash: where the project
    lies on disk and how the build runs aside, so a checkout moved elsewhere, or
    built with another cache policy, keeps its caches."""
    return _digest(sorted((key, repr(value)) for key, value in settings.items()
                          if isinstance(value, (*_SCALARS, list, tuple, dict))
                          and key not in _WHERE_SETTINGS and key not in _HOW_SETTINGS))


def _hash_tree(folder: Path) -> list[tuple[str, str]]:
    if not folder.is_dir():
        return []
    return [
        (path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]


def _valid_entry(entry) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("key"), str)
            and isinstance(entry.get("files"), dict)
            and all(isinstance(stamp, list) for stamp in entry["files"].values()))


def model_of(settings: dict) -> Path:
    """The build model beside this configuration's cache folder (cache/build.db for cache/html)."""
    return Path(settings.get("CACHE_PATH", "cache")).parent / buildmodel.MODEL.name


def read_ledger(model: Path, scope: str, output: str) -> tuple[dict[str, dict], dict[str, object]]:
    """The last build's pages, or {}: none, or pages of another output folder, is
    normal; rows of another shape or format are dropped with a warning. Also
    the rows as stored, so that saving writes only the rows that differ."""
    stored = buildmodel.read(model, PAGES, scope)
    header = buildmodel.read(model, LEDGER, scope).get("ledger")
    if not header:
        return {}, stored
    if (not isinstance(header, dict) or header.get("format") != LEDGER_FORMAT
            or not all(map(_valid_entry, stored.values()))):
        log.warning("newsroom: the pages of %s in %s are not a ledger this version wrote; rendering every page",
                    scope, model)
        return {}, stored
    return (stored if header.get("output") == output else {}), stored


def read_journal(path: Path) -> set[str]:
    """Files a build that never finished may have been writing."""
    try:
        return set(path.read_text(encoding="utf-8", errors="replace").splitlines()) - {""}
    except FileNotFoundError:
        return set()
    except OSError as error:
        log.warning("newsroom: %s is unreadable (%s)", path, error.strerror)
        return set()


def pages_in(ledger: dict[str, dict]) -> int:
    """The files a build with this ledger rendered or kept: this build's likely count
    (static files are copied, not rendered)."""
    return sum(len(entry["files"]) for name, entry in ledger.items() if not name.startswith("static:"))


def _stamp(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


class _FeedItem:
    """A story as a feed shows it: Pelican reads its title as HTML (it strips
    tags and decodes entities) and ours are plain text, so the title comes
    escaped once; a story from another outlet ends with a link to the original."""

    def __init__(self, story, summary_only: bool = False):
        self._story = story
        self.title = escape(story.title)
        self._summary_only = summary_only

    def get_content(self, siteurl):
        corrections = corrections_html(self._story)  # an editor's corrections open the entry
        if self._summary_only:  # Pelican then sends it as the entry's content, alone
            return corrections + self._story.summary
        content = corrections + self._story.get_content(siteurl)
        original = getattr(self._story, "original_url", "")
        if original:
            content += (f'<p>Originally published by <a href="{escape(original)}">'
                        f"{escape(getattr(self._story, 'source', '') or original)}</a>.</p>")
        return content

    def __getattr__(self, name):
        return getattr(self._story, name)


@dataclass
class Share:
    """One render worker's part of the site (render_workers.py): the files whose
    name falls to `worker` of `workers`. By name, not by turn: every write of
    one file lands in one worker, in Pelican's order, as in one process."""

    worker: int
    workers: int
    done: object  # shared counts of pages done, one per worker: the parent's bar shows them all

    def owns(self, filename: str) -> bool:
        return zlib.crc32(filename.encode("utf-8", "surrogateescape")) % self.workers == self.worker


class IncrementalWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings)
        cache = Path(self.settings.get("CACHE_PATH", "cache"))
        self.model = model_of(self.settings)
        self.scope = os.path.relpath(cache, self.model.parent)  # html, publish: one ledger per configuration
        self.previous, self._stored = read_ledger(self.model, self.scope, self._output_from_cache())
        self.source_hash = SourceHashes.of(self.model)
        self.journal_path = cache / JOURNAL
        self.suspect = read_journal(self.journal_path)
        self.journal = None
        self.current: dict[str, dict] = {}
        self._source_keys: dict[int, str] = {}
        self._site_key: str | None = None
        self._everything_key: str | None = None
        self.rendered = self.skipped = 0
        self.share: Share | None = None  # while render workers split the pages (render_workers.py)
        self._booked: dict[str, str] = {}  # file -> where it is written (os.devnull: not overwritten)
        self._journaled: set[str] = set()
        self._others_shown = 0
        self._others_pending = 0  # the workers' last pages, not drawn yet
        self.progress = Stage("rendering pages", estimate=pages_in(self.previous))
        _WRITERS[:] = [self]  # the one writer of this build, saved when it ends

    def _output_from_cache(self) -> str:
        """The output folder as seen from the cache folder: the ledger describes
        that folder only, and stays true when the whole project moves."""
        return os.path.relpath(self.output_path, self.settings.get("CACHE_PATH", "cache"))

    # ---- fingerprints ----------------------------------------------------

    def _content_key(self, content) -> str:
        key = self._source_keys.get(id(content))
        if key is None:
            key = self._source_hash(content) + content.url
            self._source_keys[id(content)] = key
        return key

    def _source_hash(self, content) -> str:
        """The story's source by its content hash: the model's when it saw the file
        as it is (build_site.py hashes every post), else read and hashed here."""
        try:
            return self.source_hash(content.source_path)
        except (OSError, TypeError, ValueError):
            return hashlib.sha256(repr(content.metadata).encode("utf-8")).hexdigest()

    def _summary(self, value, main: bool = False):
        if isinstance(value, Content):
            if not main:
                return self._content_key(value)
            neighbours = [getattr(value, name, None) for name in ("prev_article", "next_article")]
            related = getattr(value, "related_posts", None) or []
            translations = getattr(value, "translations", None) or []
            same_day = getattr(value, "edition_stories", None) or []
            return [self._content_key(value),
                    [self._summary(item) for item in (*neighbours, *related, *translations)],
                    [self._summary(item) for item in same_day]]
        if isinstance(value, URLWrapper):
            return [type(value).__name__, value.name, value.url]
        if isinstance(value, (list, tuple)):
            return [self._summary(item) for item in value]
        if isinstance(value, dict):
            return sorted((str(k), self._summary(v)) for k, v in value.items())
        if isinstance(value, _SCALARS):
            return value
        return repr(value) if hasattr(value, "isoformat") else type(value).__name__

    def _site(self, context) -> str:
        """Everything every page shows or is built with."""
        if self._site_key is None:
            settings = settings_digest(self.settings)
            plugins = [_hash_tree(Path(p)) for p in self.settings.get("PLUGIN_PATHS", [])]
            self._site_key = _digest([
                pelican.__version__, settings, _hash_tree(Path(self.settings["THEME"])), plugins,
                self._summary([category for category, _ in context.get("categories", [])]),
                [self._summary(page) for page in context.get("pages", [])],
            ])
        return self._site_key

    def _everything(self, context) -> str:
        """For pages built from the whole context (front page, indexes)."""
        if self._everything_key is None:
            self._everything_key = _digest([
                [self._content_key(article) for article in context.get("articles", [])],
                self._summary(context.get("TAGS_BY_KIND", [])),
            ])
        return self._everything_key

    def page_key(self, name, template, context, template_name, kwargs) -> str:
        parts = [self._site(context), name, template_name or getattr(template, "name", "")]
        for key in sorted(kwargs):
            if key not in UNUSED_KWARGS:
                parts.append((key, self._summary(kwargs[key], main=key in ("article", "page"))))
        if "tag" in kwargs:
            parts.append(context.get("TAG_KIND", {}).get(kwargs["tag"].name))
        if template_name == "period_archives":  # Pelican puts the period in the context
            period_num = tuple(context.get("period_num", ()))
            parts.append(repr((context.get("period"), context.get("EDITIONS", {}).get(period_num))))
        if not {"article", "page", "articles", "articles_page"} & set(kwargs):
            parts.append(self._everything(context))
        return _digest(parts)

    # ---- writing ---------------------------------------------------------

    def _still_there(self, entry: dict | None, key: str) -> bool:
        """The page's inputs are unchanged and its files are the ones this writer left."""
        return bool(
            entry and entry["key"] == key
            and all(file not in self.suspect
                    and _stamp(os.path.join(self.output_path, file)) == stamp
                    for file, stamp in entry["files"].items())
        )

    def _journal(self, filename: str) -> None:
        """Name a file in the journal (once): if the build dies after this, the next one
        knows the file (and the folders made for it) may be half-written or unclaimed."""
        if filename in self._journaled:
            return
        self._journaled.add(filename)
        if self.journal is None:
            self.journal_path.parent.mkdir(parents=True, exist_ok=True)
            self.journal = open(self.journal_path, "a", encoding="utf-8", buffering=1)
        self.journal.write(os.path.relpath(filename, self.output_path) + "\n")

    def _book(self, filename: str, override: bool) -> None:
        """Pelican's own check of a file written twice (Writer._open_w), made for
        every file before it is rendered or kept, in every render worker,
        whichever writes it: a clash raises alike everywhere, so the workers
        walk the same pages, and a kept page counts as written, as a rendered one does."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
            log.info('Skipping "%s", not overwriting', filename)
            self._booked[filename] = os.devnull
            return
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it previously '
                "(set `override=True` if intended)")
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        self._booked[filename] = filename

    def _mine(self, filename: str) -> bool:
        """Whether this process writes the file (always, without render workers)."""
        return self.share is None or self.share.owns(filename)

    def _open_w(self, filename, encoding, override=False):
        self._journal(filename)
        target = self._booked.pop(filename, None)
        if target is None:  # a write _book did not see (Pelican's own paths)
            return super()._open_w(filename, encoding, override)
        return open(target, "w", encoding=encoding)

    def _record(self, name: str, key: str, files: list[str]) -> None:
        self.current[name] = {
            "key": key, "files": {file: _stamp(os.path.join(self.output_path, file)) for file in files},
        }

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        # A story at an address of its own (a translation, translations.py; a
        # Save_as header) is written with override_output, and is still one page.
        one_story = bool({"article", "page"} & set(kwargs))
        if not name or relative_urls or (override_output and not one_story):
            if self.share is not None and self.share.worker:  # Pelican's own paths: the parent's alone
                return None
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        listed = paginated if paginated is not None else \
            {key: value for key, value in kwargs.items() if key in LISTED}
        if one_story or not (listed and template_name in self.settings["PAGINATED_TEMPLATES"]):
            return self._write_page(name, template, context, template_name, kwargs, override_output)
        # A listing: its pages counted from the oldest (listings.py), each fingerprinted alone.
        stories = listed.get("articles", next(iter(listed.values())))
        shown = {key: value for key, value in kwargs.items() if key not in LISTED}
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        if template_name == "period_archives" and len(context.get("period_num", ())) != 2:
            per_page = max(1, len(stories))  # a day's edition and a year's page are one page each
        for page in listing_pages(name, url or "", stories, per_page, later_pattern(self.settings)):
            self._write_page(page["save_as"], template, context, template_name,
                             {**shown, "listing": stories if page["first"] else None, "articles_page": page})

    def _write_page(self, name, template, context, template_name, kwargs, override_output=False) -> None:
        path = sanitised_join(self.output_path, name)  # the name Pelican opens it by
        self._book(path, override_output)
        if not self._mine(path):
            return
        key = self.page_key(name, template, context, template_name, kwargs)
        entry = self.previous.get(name)
        if self._still_there(entry, key):
            local = {**context, **kwargs}
            for file in entry["files"]:
                signals.content_written.send(os.path.join(self.output_path, file), context=local)
            self.current[name] = entry
            self.skipped += len(entry["files"])
            self._advance(len(entry["files"]))
            return
        self._journal(path)  # before Pelican makes its folder
        written: list[str] = []

        def record(path, context):
            written.append(os.path.relpath(path, self.output_path))

        signals.content_written.connect(record)
        try:
            super().write_file(name, template, context, template_name=template_name,
                               override_output=override_output, **kwargs)
        finally:
            signals.content_written.disconnect(record)
        if is_day_edition(template_name, {**context, **kwargs}):  # and the edition as an email, kept with it
            written += write_edition_email(self.output_path, name, template, {**context, **kwargs}, self._journal)
        self._record(name, key, written)
        self.rendered += len(written)
        self._advance(len(written))

    def _advance(self, files: int) -> None:
        if self.share is not None:
            self.share.done[self.share.worker] += files
            if self.share.worker:  # a worker's pages reach the bar through the shared counts
                return
        files += self._others_done() + self._others_pending
        self._others_pending = 0
        self.progress.advance(files, self._note())

    def _note(self) -> str:
        return f"{self.rendered} rendered, {self.skipped} kept"

    def _others_done(self) -> int:
        """Pages the other render workers finished since the bar last heard of them."""
        if self.share is None:
            return 0
        others = sum(self.share.done) - self.share.done[0]
        news = max(0, others - self._others_shown)  # a failed worker's count starts again at 0
        self._others_shown = max(self._others_shown, others)
        return news

    def end_shares(self) -> None:
        """The render workers are all in: their last pages reach the bar with its next
        frame (one frame, with its note); this process writes alone again."""
        self._others_pending += self._others_done()
        self.share = None

    def _create_new_feed(self, feed_type, feed_title, context):
        """Pelican's feed, dated by its stories; one with none by SOURCE_DATE_EPOCH
        (else the Unix epoch), never by the clock, as feedgenerator would: two
        builds of the same sources must agree byte for byte."""
        return dated_by_its_items(super()._create_new_feed(feed_type, feed_title, context))

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom",
                   override_output=False, feed_title=None):
        if path:
            complete_path = sanitised_join(self.output_path, path)
            self._book(complete_path, override_output)
            if not self._mine(complete_path):
                return None
        if not path or override_output:
            return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        summary_only = self.is_listing_feed(path)
        limit = self.settings.get("LISTING_FEED_MAX_ITEMS", 20) if summary_only else self.settings["FEED_MAX_ITEMS"]
        stories = elements[:limit]
        key = _digest([self._site(context), path, url, feed_type, feed_title,
                       [self._content_key(story) for story in stories]])
        entry = self.previous.get(path)
        if self._still_there(entry, key):
            self.current[path] = entry
            self.skipped += len(entry["files"])  # the Atom feed and its JSON twin
            self._advance(len(entry["files"]))
            return None
        self._journal(complete_path)  # before Pelican makes its folder
        items = [_FeedItem(story, summary_only) for story in stories]
        feed = super().write_feed(items, context, path, url, feed_type, override_output, feed_title)
        files = [path]
        if feed_type == "atom":  # and its JSON Feed twin (jsonfeed.py)
            files.append(json_path(path))
            twin = sanitised_join(self.output_path, files[-1])
            self._journal(twin)
            write_atomically(twin, json_feed(items, self.settings, path, url, feed_title).encode("utf-8"))
        self._record(path, key, files)
        self.rendered += len(files)
        self._advance(len(files))
        return feed

    def is_listing_feed(self, path: str) -> bool:
        """A topic's or a desk's feed: its newest stories' summaries. The site-wide
        feeds carry full text; one full-text copy of a story in every feed of
        its topics would weigh more than the story's own page."""
        site_wide = {self.settings.get(name) for name in ("FEED_ALL_ATOM", "FEED_ALL_RSS", "FEED_ATOM", "FEED_RSS")}
        return path not in site_wide

    def remove_stale(self) -> int:
        """Delete what the last build wrote and this one did not: the pages of a
        removed story, the pages a shorter listing no longer has. Only files
        in the ledger or the journal, only inside the output folder; folders
        left empty go too, also when the file is already gone (a build killed
        between deleting it and saving its ledger).
        """
        if self.settings.get("WRITE_SELECTED"):  # a partial build: the ledger is not the site
            return 0
        written = {file for entry in self.current.values() for file in entry["files"]}
        earlier = {file for entry in self.previous.values() for file in entry["files"]} | self.suspect
        earlier |= self._written_by_other_settings()
        root = Path(self.output_path).resolve()
        removed = 0
        for file in sorted(earlier - written):
            path = (root / file).resolve()
            if root not in path.parents:
                continue
            if path.is_file():
                path.unlink()
                removed += 1
            elif path.exists():
                continue
            for folder in path.parents:
                if folder == root or not folder.is_dir() or any(folder.iterdir()):
                    break
                folder.rmdir()
        return removed

    def _written_by_other_settings(self) -> set[str]:
        """Files another settings file's build wrote into this output folder (`make
        html`'s, for `make publish`): stale unless this build wrote them too, so a
        draft's preview never stays in a site built for the web."""
        files = set()
        for scope in sorted(buildmodel.scopes(self.model, LEDGER)):
            if scope != self.scope:
                output = os.path.relpath(self.output_path, self.model.parent / scope)
                pages, _ = read_ledger(self.model, scope, output)
                files.update(file for entry in pages.values() for file in entry["files"])
        return files

    def save(self) -> None:
        """Keep this build's fingerprints for the next one (written atomically)."""
        if self._others_pending:
            self.progress.advance(self._others_pending, self._note())
            self._others_pending = 0
        self.progress.close()  # before Pelican's last line
        for name in _STATIC:
            self.current[f"static:{name}"] = {"key": "static", "files": {name: []}}
        removed = self.remove_stale()
        header = {"ledger": {"format": LEDGER_FORMAT, "output": self._output_from_cache()}}
        buildmodel.write(self.model, (PAGES, self.scope, self.current, self._stored),
                         (LEDGER, self.scope, header, None))  # one transaction
        if self.journal is not None:
            self.journal.close()
        self.journal_path.unlink(missing_ok=True)
        log.info("newsroom: %d files rendered, %d unchanged and kept, %d stale removed",
                 self.rendered, self.skipped, removed)


def provide_writer(pelican_object):
    return IncrementalWriter


def claim_static_files(generator) -> None:
    """The static files this build copies (lead photos): named in the ledger, so a
    photo removed from content/ leaves output/ too, as a page would. (Pelican
    reads them before it makes the writer.)"""
    _STATIC[:] = [static.save_as for static in generator.staticfiles]


def save_ledger(pelican_object) -> None:
    for writer in _WRITERS:
        writer.save()
    _WRITERS.clear()
