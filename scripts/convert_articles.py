#!/usr/bin/env python3
"""Convert raw article dumps into Pelican Markdown posts.

    convert_articles.py [INPUT ...] [--output DIR] [--date YYYY-MM-DD]
                        [--force] [--dry-run] [-v]

Exit status: 0 when every input converted, 1 when some were rejected (the
rest are still written), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest.clean import clean_article  # noqa: E402
from ingest.dump import DumpError, read_dump, split_articles  # noqa: E402
from ingest.enrich import RejectedArticle, enrich_article  # noqa: E402
from ingest.store import OUTCOMES, plan_writes, read_posts, write_posts  # noqa: E402

PROGRESS_THRESHOLD = 500  # articles; below this a progress bar is only clutter


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Convert raw article dumps into Pelican Markdown posts."
    )
    parser.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                        help="dump files or folders of *.txt dumps (default: content/raw)")
    parser.add_argument("--output", type=Path, default=Path("content/articles"),
                        help="folder for the posts (default: content/articles)")
    parser.add_argument("--date", type=parse_date, help="publication date for every article")
    parser.add_argument("--force", action="store_true",
                        help="replace posts even when they were edited by hand")
    parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every dropped line and why")
    return parser


def input_files(inputs: list[Path]) -> list[Path]:
    """Files as given, folders expanded to their *.txt dumps, in a stable order."""
    files = []
    for item in inputs:
        if item.is_dir():
            files += sorted(p for p in item.rglob("*.txt") if not p.name.startswith("."))
        else:
            files.append(item)
    return files


def today() -> date:
    """Today, or the day SOURCE_DATE_EPOCH names, for reproducible `Modified` dates."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


def progress(items, total: int):
    if total >= PROGRESS_THRESHOLD and sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(items, total=total, unit="file", file=sys.stderr)
    return items


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    errors: list[str] = []
    posts = []
    files = input_files(args.inputs or [Path("content/raw")])
    for path in progress(files, len(files)):
        try:
            raw_articles = split_articles(read_dump(path), str(path))
        except DumpError as error:
            errors.append(str(error))
            continue
        for raw in raw_articles:
            article = clean_article(raw)
            if args.verbose:
                for line, reason in article.dropped:
                    print(f"{path}:{line.number}: dropped ({reason}): {line.text}")
            try:
                posts.append(enrich_article(article, args.date))
            except RejectedArticle as error:
                errors.append(str(error))

    try:
        planned = plan_writes(posts, args.output, read_posts(args.output), today(), args.force)
    except OSError as error:
        print(f"error: {args.output}: cannot read posts: {error.strerror}", file=sys.stderr)
        return 1
    if not args.dry_run:
        to_write = [(item.path, item.text) for item in planned if item.text is not None]
        for path, error in write_posts(to_write):
            errors.append(f"{path}: cannot write: {error.strerror}")
    for item in planned:
        if args.verbose or item.outcome in ("kept",):
            note = f" ({item.note})" if item.note else ""
            print(f"{item.path}: {item.outcome}{note}")

    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    counts = Counter(item.outcome for item in planned)
    counts["rejected"] = len(errors)
    summary = ", ".join(f"{counts[outcome]} {outcome}" for outcome in OUTCOMES)
    prefix = "dry run: " if args.dry_run else ""
    print(f"{prefix}{summary} ({args.output})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
