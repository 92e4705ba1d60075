#!/usr/bin/env python3
"""Index a built site for search with Pagefind, in bundles by period, re-indexing only what changed.

    search_index.py OUTPUT [--model FILE]

Pagefind has no incremental mode, and one index of a whole archive costs
minutes and gigabytes at 100,000 stories. So the story pages are indexed
in bundles: one per year (by quarter when a year is very large), and the
newest month apart, so an editor's daily build re-indexes a month's
stories, not the archive. The search page
loads the newest bundle and merges the others in the browser (Pagefind's
`mergeIndex`), listed in `pagefind/bundles.json`.

A bundle is indexed again when any of its pages changed (name or content
hash), or Pagefind or its settings did: a neighbour's page rewritten with
the same bytes is not a change. What each bundle was made from, and each
page's hash, are kept in the build model (--model, buildmodel.py), not in
the site, which stays the same byte for byte from one clean build to the next. Each is written into a fresh
folder and swapped in whole, because Pagefind never deletes old fragments:
a removed story's text would stay findable. The swap renames the live bundle
aside, renames the new one in, and only then deletes the old one. A kill
while indexing leaves every bundle either old or new (or missing, between
the two renames), and the next build finishes the job.

Only published stories are searched: a draft or hidden story's page has no
`data-pagefind-body`, so Pagefind leaves it out, and a bundle with no other
page is not indexed at all (Pagefind would take every page of such a run).

On a terminal, a bar counts the bundles indexed (ingest/progress.py) when
there are at least two: each is a Pagefind run of seconds to minutes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import buildmodel
from ingest.files import write_whole
from ingest.progress import above, progress_bar

FORMAT = 2  # 2: without Pagefind's interface files
LISTING = "bundles.json"  # in the site: the bundles, for the search page
BUNDLES = "search-bundle"  # the build model's rows: what each bundle of one output folder was made from
# ARTICLE_SAVE_AS in pelican.conf.py: YYYY/MM/DD/<slug>/index.html, and a
# translation beside its original: YYYY/MM/DD/<slug>/<lang>/index.html
STORY_PAGE = re.compile(r"(\d{4})/(\d\d)/\d\d/[^/]+/(?:[^/]+/)?index\.html")
SEARCH_BODY = b"data-pagefind-body"  # the part of a page Pagefind indexes; a page without it is left out
SETTINGS_FILE = Path("pagefind.yml")
BUNDLES_WORTH_A_BAR = 2  # one bundle is a daily build's few seconds
# Pagefind peaks at about 90 MB per 1,000 story pages (889 MB for 10,000).
YEAR_BUNDLE_MAX = 12_000  # read by Pagefind from the folder it runs in
# Written into every bundle by Pagefind, loaded by no page of ours (400 KB a bundle).
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
                "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


def story_pages(output: Path) -> list[str]:
    """Every story page of the site, relative to it, sorted."""
    found = []
    for path in output.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/**/index.html"):
        relative = path.relative_to(output).as_posix()
        if STORY_PAGE.fullmatch(relative):
            found.append(relative)
    return sorted(found)


def bundle_months(pages: list[str]) -> dict[str, list[str]]:
    """Bundle name -> the months ("YYYY/MM") it holds.

    The newest month is a bundle of its own, so a day's new stories touch one
    small bundle (and a new month folds the last one into its year, once a
    month); every year is one bundle, or one per quarter when it holds more
    than YEAR_BUNDLE_MAX stories, so no one Pagefind run needs much more than
    a gigabyte. Few bundles keep a reader's first search small: each bundle
    adds its own files to fetch."""
    months = sorted({page[:7] for page in pages})
    if not months:
        return {}
    newest = months[-1]
    per_year: dict[str, int] = defaultdict(int)
    for page in pages:
        per_year[page[:4]] += 1
    bundles: dict[str, list[str]] = defaultdict(list)
    for month in months:
        year, number = month.split("/")
        if month == newest:
            name = f"{year}-{number}"
        elif per_year[year] > YEAR_BUNDLE_MAX:
            name = f"{year}-q{(int(number) - 1) // 3 + 1}"
        else:
            name = year
        bundles[name].append(month)
    return dict(bundles)


def glob_of(months: list[str]) -> str:
    year = months[0][:4]
    numbers = ",".join(month[5:] for month in months)
    return f"{year}/{{{numbers}}}/[0-9][0-9]/**/index.html" if len(months) > 1 else \
        f"{months[0]}/[0-9][0-9]/**/index.html"


def pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


def page_hashes(output: Path, pages: list[str], model: Path) -> dict[str, str]:
    """page -> content hash, from the model when the page is as it last saw it."""
    files = [(str(output / page), (output / page).stat()) for page in pages]
    hashes = buildmodel.content_hashes(model, files, root="", walked=(f"{output}/",))
    return {page: hashes[str(output / page)] for page in pages if str(output / page) in hashes}


def fingerprint(pages: list[str], hashes: dict[str, str], settings: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}\0{pagefind_version()}\0{settings}\0".encode())
    for page in pages:
        digest.update(f"{page}\t{hashes.get(page)}\n".encode())
    return digest.hexdigest()


def save_listing(folder: Path, months_of: dict[str, list[str]], primary: str | None) -> None:
    """The search page's list: the primary bundle, and every bundle newest first."""
    listing = {"primary": primary, "bundles": sorted(months_of, key=lambda name: months_of[name][0], reverse=True)}
    write_whole(folder / LISTING, json.dumps(listing, indent=1) + "\n")


def opts_in(page: Path) -> bool:
    """Whether a page asks to be searched (only a published story does: theme/templates/article.html).

    Pagefind indexes every page of a run when none of them carries the
    attribute, so a bundle whose pages are all drafts or hidden stories must
    not run at all."""
    return SEARCH_BODY in page.read_bytes()


def swap_in(fresh: Path, live: Path) -> None:
    """Rename the live bundle aside, rename the fresh one in, then delete the old:
    the live bundle is never deleted before its successor is in place."""
    aside = live.with_name(f".{live.name}.old")
    shutil.rmtree(aside, ignore_errors=True)
    if live.exists():
        live.rename(aside)
    fresh.rename(live)
    shutil.rmtree(aside, ignore_errors=True)


def index_bundle(output: Path, folder: Path, name: str, months: list[str]) -> int:
    """Index one bundle into a fresh folder, then swap it in whole."""
    fresh, live = folder / f".{name}.next", folder / name
    shutil.rmtree(fresh, ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(output), "--output-path", str(fresh),
                           "--glob", glob_of(months), "--quiet"])
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        return done.returncode
    for unused in UNUSED_FILES:  # Pagefind's own search interfaces: search.js is ours
        (fresh / unused).unlink(missing_ok=True)
    swap_in(fresh, live)
    return 0


def remove_strays(folder: Path, keep: set[str]) -> None:
    """Bundles no story needs any more, and the single index of older builds."""
    for entry in folder.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def index_site(output: Path, model: Path = buildmodel.MODEL, workers: int | None = None) -> int:
    folder = output / "pagefind"
    folder.mkdir(parents=True, exist_ok=True)
    pages = story_pages(output)
    months_of = bundle_months(pages)
    pages_of: dict[str, list[str]] = defaultdict(list)
    bundle_of_month = {month: name for name, months in months_of.items() for month in months}
    for page in pages:
        pages_of[bundle_of_month[page[:7]]].append(page)
    settings = SETTINGS_FILE.read_text(encoding="utf-8") if SETTINGS_FILE.exists() else ""
    scope = str(output.resolve())
    known = buildmodel.read(model, BUNDLES, scope)
    hashes = page_hashes(output, pages, model)
    wanted = {name: {"pages": len(pages_of[name]), "fingerprint": fingerprint(pages_of[name], hashes, settings)}
              for name in months_of}
    stale = [name for name, entry in wanted.items()
             if known.get(name) != entry or not (folder / name / "pagefind-entry.json").is_file()]
    # A bundle of drafts' and hidden stories' pages alone is not indexed (nor listed): read until one opts in.
    unsearched = {name for name in stale if not any(opts_in(output / page) for page in pages_of[name])}
    stale = [name for name in stale if name not in unsearched]
    # A bundle whose last published story was hidden is dropped with its old index, never kept.
    done = {name: entry for name, entry in known.items()
            if name in wanted and name not in stale and name not in unsearched}
    failed = []
    saved = known
    workers = workers or max(1, min(2, len(os.sched_getaffinity(0))))
    indexing = progress_bar(len(stale), "indexing search bundles", BUNDLES_WORTH_A_BAR, unit="bundle")
    say_error = above(indexing, lambda line: print(line, file=sys.stderr))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda name: (name, index_bundle(output, folder, name, months_of[name])), stale)
        for name, status in results:
            if indexing is not None:
                indexing.update()
            if status == 0:
                done[name] = wanted[name]
                buildmodel.replace(model, BUNDLES, scope, done, saved)  # progress survives a kill
                saved = dict(done)
            else:
                failed.append(name)
                if name in known and (folder / name).is_dir():
                    done[name] = known[name]  # searched as it was; its old fingerprint retries next time
                say_error(f"error: {output}: Pagefind failed on bundle {name} (exit {status}); "
                          "its old index is kept")
    if indexing is not None:
        indexing.close()
    buildmodel.replace(model, BUNDLES, scope, done, saved)
    listed = {name: months_of[name] for name in done}
    primary = max(listed, key=lambda name: listed[name][-1], default=None)  # the newest month's
    save_listing(folder, listed, primary)
    remove_strays(folder, {*done, *failed, LISTING})
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Index a built site for search, in bundles by period.")
    parser.add_argument("output", type=Path)
    parser.add_argument("--model", type=Path, default=buildmodel.MODEL,
                        help=f"the build model: what each bundle was made from (default: {buildmodel.MODEL})")
    args = parser.parse_args(argv)
    return index_site(args.output, args.model)


if __name__ == "__main__":
    sys.exit(main())
