#!/usr/bin/env python3
"""Convert news articles into Pelican Markdown posts.

    convert_articles.py [INPUT ...] [--output DIR] [--date YYYY-MM-DD] [--source NAME]
                        [--force] [--dry-run] [--allow-private-addresses] [-v]

INPUT: text dumps and pages pasted from a browser (.txt), saved web pages
(.html, .htm), RSS or Atom feeds, URLs, `.urls` files of URLs, or folders of
them; each is told apart by its content (ingest/inputs.py). Every fetch goes
through one gate (ingest/fetch.py): http and https only, a deadline, a size
cap, and never a private network unless the editor's own URL asks for one
with --allow-private-addresses.

Exit status: 0 when every input converted, 1 when some were rejected (the
rest are still written), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import buildmodel  # noqa: E402
from ingest import manifest  # noqa: E402
from ingest.cards import story_card  # noqa: E402
from ingest.dump import DumpError  # noqa: E402
from ingest.enrich import RejectedArticle, enrich_article  # noqa: E402
from ingest.fetch import ALLOW_PRIVATE_ENV, Fetcher  # noqa: E402
from ingest.inputs import expand_inputs, read_input, unexpected  # noqa: E402
from ingest.photos import PhotoError, make_photo  # noqa: E402
from ingest.progress import progress  # noqa: E402
from ingest.render import render_post  # noqa: E402
from ingest.store import (  # noqa: E402
    IMPORTED,
    OUTCOMES,
    REMOVED,
    apply_plan,
    body_sketch,
    plan_writes,
    read_list,
    read_posts,
    remove_stale_temporaries,
)

PARALLEL_THRESHOLD = 64  # dump files; below this starting workers costs more than it saves


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Convert raw article dumps into Pelican Markdown posts."
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT",
                        help="text dumps or pastes (.txt), saved pages (.html), feeds (.xml, .rss, .atom), "
                             "URLs, .urls files of URLs, or folders of them (default: content/raw)")
    parser.add_argument("--output", type=Path, default=Path("content/articles"),
                        help="folder for the posts (default: content/articles)")
    parser.add_argument("--date", type=parse_date, help="publication date for every article")
    parser.add_argument("--source", default="", metavar="NAME",
                        help="the outlet, for inputs that do not name it (pastes, dumps)")
    parser.add_argument("--force", action="store_true",
                        help="replace posts even when they were edited by hand")
    parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
    parser.add_argument("--manifest", type=Path, metavar="FILE",
                        help="remember the inputs converted; skip those unchanged since (make html uses one)")
    parser.add_argument("--allow-private-addresses", action="store_true",
                        default=os.environ.get(ALLOW_PRIVATE_ENV) == "1",
                        help="let the URLs given here or in .urls files reach loopback, private and link-local "
                             "addresses (an intranet, a test server); links found in feeds and pages never may "
                             f"(default: off; {ALLOW_PRIVATE_ENV}=1 turns it on)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every dropped line and why")
    return parser


def today() -> date:
    """Today, or the day SOURCE_DATE_EPOCH names, for reproducible `Modified` dates."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


@dataclass
class FileResult:
    posts: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the story converts, without something
    dropped: list[str] = field(default_factory=list)  # for -v


_FETCHER = Fetcher()  # this process's fetches; use_fetcher starts each run's, and each worker's


def use_fetcher(allow_private: bool, shared: str | None = None) -> None:
    """A fresh fetcher for the run, or for a pool's worker (the workers share
    `shared`, a folder of the run's fetches: each URL is fetched once per run),
    with the editor's setting for private addresses."""
    global _FETCHER
    _FETCHER = Fetcher(allow_private=allow_private, shared=shared)


def convert_file(item: str, forced_date: date | None, outlet: str = "") -> FileResult:
    """One input through every pure stage: posts, one-line errors, dropped lines.
    Whatever goes wrong is this input's one line (or its story's), never the run's."""
    found = read_input(item, _FETCHER)
    result = FileResult(errors=found.errors, dropped=found.notes)
    for article in found.articles:
        try:
            convert_article(article, item, forced_date, outlet, result)
        except Exception as error:  # hostile content: this story fails, the others go on
            result.errors.append(unexpected(f"{item}:{article.line}", error))
    return result


def convert_article(article, item: str, forced_date: date | None, outlet: str, result: FileResult) -> None:
    """One article of `item` into a post in `result`, or its one-line error or warning there."""
    result.dropped += [
        f"{item}:{line.number}: dropped ({reason}): {line.text}" for line, reason in article.dropped
    ]
    if outlet and not article.outlet:
        article = replace(article, outlet=outlet)
    try:
        post = enrich_article(article, forced_date)
    except RejectedArticle as error:
        result.errors.append(str(error))
        return
    if article.doubt:
        result.warnings.append(f"{item}:{article.line}: {article.doubt}")
    if post.image:
        try:
            post = replace(post, photo=make_photo(photo_bytes(post.image, item), post.slug))
        except (PhotoError, DumpError, OSError) as error:  # a FetchError is a DumpError with its reason apart
            reason = (getattr(error, "reason", None) or getattr(error, "strerror", None)
                      or str(error).removeprefix(f"{post.image}: "))
            result.warnings.append(f"{item}:{article.line}: lead photo {post.image} left out: {reason}")
    if post.photo is None:  # a card for search engines and social networks, drawn (cards.py)
        post = replace(post, card=story_card(post.slug, post.title, post.desk))
    # Rendering here, in the worker, spares the main process; the plan
    # renders again only for a post whose slug had to change.
    markdown = render_post(post, post.slug)
    result.posts.append(replace(post, markdown=markdown, sketch=body_sketch(markdown)))


def photo_bytes(image: str, source: str) -> bytes:
    """The lead photo's bytes: an address (a page's og:image, third-party
    whoever fetched the page) through the gate, politely, size-capped, once,
    without retries (a story does not wait for its photo); else a file on disk."""
    if urlsplit(image).scheme:
        return _FETCHER(image, source, retries=0).body
    return Path(image).read_bytes()


def convert_files(files: list[str], forced_date: date | None, outlet: str = ""):
    """convert_file over every input, in order; on all cores when there is enough work."""
    if len(files) < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        yield from (convert_file(item, forced_date, outlet) for item in files)
        return
    context = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="newsdigest-fetches-") as shared, \
            ProcessPoolExecutor(mp_context=context, initializer=use_fetcher,
                                initargs=(_FETCHER.allow_private, shared)) as pool:
        chunk = max(1, len(files) // ((os.cpu_count() or 2) * 8))
        yield from pool.map(convert_file, files, [forced_date] * len(files), [outlet] * len(files),
                            chunksize=chunk)


def remember(path: Path, version: str, options: str, skipped: dict, by_file: dict[str, FileResult],
             planned: list, failed: dict, posts: dict[str, list]) -> None:
    """Save the manifest: the inputs skipped, and those converted whole this time."""
    outcome = {item.post.story: "failed" if item.path in failed else item.outcome for item in planned}
    listed_outcomes = {"new", "updated", "unchanged", "kept", "deleted"}
    records = dict(skipped)
    for item, result in by_file.items():
        stories = [post.story for post in result.posts]
        if result.errors or any(outcome.get(story) == "failed" for story in stories):
            continue  # converted again next time, and its errors reported again
        record = manifest.record(item, options, [s for s in stories if outcome.get(s) in listed_outcomes])
        if record:
            records[item] = record
    try:
        manifest.save(path, version, records, posts)
    except buildmodel.ERRORS as error:
        print(f"warning: {path}: cannot save the manifest ({getattr(error, 'strerror', None) or error}); "
              "the next run converts every input again", file=sys.stderr)


def missing_stories(folder: Path, imported: dict[str, str], known_posts: dict[str, list]) -> set[str]:
    """Imported stories with no post left: the editor deleted it. An input is
    skipped only while none of its stories is missing, so a deleted post sends
    its dump back through the converter, which lists the story as removed. A
    post renamed by hand is not missing: its Story line is found under its new name."""
    present = set(os.listdir(folder)) if folder.is_dir() else set()
    missing = {story for story, line in imported.items() if line.partition("\t")[0] not in present}
    if missing:  # only the posts' Story lines tell (the manifest's records spare reading most)
        missing -= {post.story for post in read_posts(folder, known_posts).values()}
    return missing


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    use_fetcher(args.allow_private_addresses)
    # One line each: rejected inputs, then files that could not be written.
    files, errors = expand_inputs(args.inputs or ["content/raw"])
    try:
        imported, removed = read_list(args.output / IMPORTED), read_list(args.output / REMOVED)
    except OSError as error:
        print(f"error: {args.output}: cannot read the story lists: {error.strerror}", file=sys.stderr)
        return 1
    version = manifest.converter_version() if args.manifest else ""
    options = json.dumps([str(args.date or ""), args.source, args.force])
    seen, known_posts = manifest.load(args.manifest, version)
    listed = removed.keys() | (imported.keys() - missing_stories(args.output, imported, known_posts))
    skipped = {item: record for item in files
               if (record := manifest.unchanged(item, seen.get(item), options, listed))}
    files = [item for item in files if item not in skipped]
    posts, by_file = [], {}
    for item, result in zip(files, progress(convert_files(files, args.date, args.source), len(files), "converting"),
                            strict=True):
        by_file[item] = result
        posts += result.posts
        errors += result.errors
        for line in result.warnings:
            print(f"warning: {line}", file=sys.stderr)
        if args.verbose:
            for line in result.dropped:
                print(line)

    rejected = len(errors)
    try:
        # Nothing new: nothing to compare. Else each post's header from the manifest
        # while its file is unchanged: the plan reads only the posts it needs.
        on_disk = read_posts(args.output, known_posts) if posts else {}
        planned = plan_writes(posts, args.output, on_disk, today(), args.force, imported, removed)
    except OSError as error:
        print(f"error: {args.output}: cannot read posts: {error.strerror}", file=sys.stderr)
        return 1
    failed: dict[Path, OSError] = {}
    if not args.dry_run:
        for stale in remove_stale_temporaries(args.output):
            if args.verbose:
                print(f"{stale}: removed (left by an interrupted run)")
        failed, list_errors = apply_plan(planned, args.output, imported, removed)
        errors += [f"{path}: cannot write: {error.strerror}" for path, error in failed.items()]
        errors += [f"{path}: cannot write: {error.strerror}" for path, error in list_errors]
        if args.manifest and not list_errors:
            remember(args.manifest, version, options, skipped, by_file, planned, failed, known_posts)
    outcomes = ["failed" if item.path in failed else item.outcome for item in planned]
    for item, outcome in zip(planned, outcomes, strict=True):
        newly_deleted = outcome == "deleted" and item.post.story not in removed
        if args.verbose or outcome in ("kept", "duplicate") or newly_deleted:
            note = f" ({item.note})" if item.note else ""
            print(f"{item.path}: {outcome}{note}")

    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    counts = Counter(outcomes)
    counts["rejected"] = rejected
    summary = ", ".join(f"{counts[outcome]} {outcome}" for outcome in OUTCOMES)
    prefix = "dry run: " if args.dry_run else ""
    already = f"; {len(skipped)} input(s) converted before, skipped" if skipped else ""
    print(f"{prefix}{summary} ({args.output}){already}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
