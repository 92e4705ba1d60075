#!/usr/bin/env python3
"""Convert news articles into Pelican Markdown posts.

    convert_articles.py [INPUT ...] [--output DIR] [--date YYYY-MM-DD] [--source NAME]
                        [--force] [--dry-run] [-v]

INPUT: text dumps and pages pasted from a browser (.txt), saved web pages
(.html, .htm), RSS or Atom feeds, URLs, `.urls` files of URLs, or folders of
them; each is told apart by its content (ingest/inputs.py).

Exit status: 0 when every input converted, 1 when some were rejected (the
rest are still written), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest.enrich import RejectedArticle, enrich_article  # noqa: E402
from ingest.inputs import expand_inputs, read_input  # noqa: E402
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

PROGRESS_THRESHOLD = 200  # dump files; below this a progress bar is only clutter
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
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every dropped line and why")
    return parser


def today() -> date:
    """Today, or the day SOURCE_DATE_EPOCH names, for reproducible `Modified` dates."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def progress(items, total: int):
    if total >= PROGRESS_THRESHOLD and sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(items, total=total, unit="file", file=sys.stderr)
    return items


@dataclass
class FileResult:
    posts: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # for -v


def convert_file(item: str, forced_date: date | None, outlet: str = "") -> FileResult:
    """One input through every pure stage: posts, one-line errors, dropped lines."""
    found = read_input(item)
    result = FileResult(errors=found.errors, dropped=found.notes)
    for article in found.articles:
        result.dropped += [
            f"{item}:{line.number}: dropped ({reason}): {line.text}" for line, reason in article.dropped
        ]
        if outlet and not article.outlet:
            article = replace(article, outlet=outlet)
        try:
            post = enrich_article(article, forced_date)
        except RejectedArticle as error:
            result.errors.append(str(error))
            continue
        # Rendering here, in the worker, spares the main process; the plan
        # renders again only for a post whose slug had to change.
        markdown = render_post(post, post.slug)
        result.posts.append(replace(post, markdown=markdown, sketch=body_sketch(markdown)))
    return result


def convert_files(files: list[str], forced_date: date | None, outlet: str = ""):
    """convert_file over every input, in order; on all cores when there is enough work."""
    if len(files) < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        yield from (convert_file(item, forced_date, outlet) for item in files)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(mp_context=context) as pool:
        chunk = max(1, len(files) // ((os.cpu_count() or 2) * 8))
        yield from pool.map(convert_file, files, [forced_date] * len(files), [outlet] * len(files),
                            chunksize=chunk)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # One line each: rejected inputs, then files that could not be written.
    files, errors = expand_inputs(args.inputs or ["content/raw"])
    posts = []
    for result in progress(convert_files(files, args.date, args.source), len(files)):
        posts += result.posts
        errors += result.errors
        if args.verbose:
            for line in result.dropped:
                print(line)

    rejected = len(errors)
    try:
        imported, removed = read_list(args.output / IMPORTED), read_list(args.output / REMOVED)
        planned = plan_writes(posts, args.output, read_posts(args.output), today(), args.force,
                              imported, removed)
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
    print(f"{prefix}{summary} ({args.output})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
