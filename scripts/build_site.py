#!/usr/bin/env python3
"""Convert, build and index the site, or say it is already up to date.

    build_site.py SETTINGS [--output DIR] [--force]     (run in the project's folder)

`make html` and `make publish` run this. The three steps (converter,
Pelican, Pagefind) each skip work that is already done, but at archive
scale even finding that out costs seconds: reading 10,000 cached stories,
fingerprinting 16,000 pages. So after a build that succeeded end to end,
the build's inputs are fingerprinted (the name, size and modification time
of every file under content/, theme/, plugins/ and scripts/, the settings,
pagefind.yml, the lock file and the environment variables the settings
read) and the fingerprint is saved beside the caches. The next run that
finds the same fingerprint, with the site still in place, does nothing.

A step that fails or reports a bad input saves no fingerprint, so the next
run does the work again and reports the problem again. Hand edits to
output/ are not inputs: `make clean html` rebuilds from nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from ingest.files import write_whole

INPUT_FOLDERS = ("content", "theme", "plugins", "scripts")
INPUT_FILES = ("pelican.conf.py", "publish.conf.py", "pagefind.yml", "requirements/runtime.txt")
INPUT_ENVIRONMENT = ("SITEURL", "SOURCE_DATE_EPOCH")
STAMP = Path("cache/site.stamp")
JOURNAL = "newsroom-pages.journal"  # plugins/newsroom/incremental.py: pages being written
SKIPPED_NAMES = {"__pycache__", ".pytest_cache"}


def file_stamps(root: Path, folder: str):
    """(path, size, mtime_ns) of every file under `folder`, in a stable order."""
    pending = [root / folder]
    while pending:
        entries = []
        try:
            with os.scandir(pending.pop()) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.name in SKIPPED_NAMES:
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            else:
                stat = entry.stat()
                yield f"{os.path.relpath(entry.path, root)}\t{stat.st_size}\t{stat.st_mtime_ns}"


def fingerprint(root: Path, settings: str, output: str) -> str:
    """One hash of everything a build reads, and of where and how it was built."""
    digest = hashlib.blake2b(digest_size=20)
    for line in (f"settings\t{settings}", f"output\t{output}",
                 *(f"env\t{name}\t{os.environ.get(name, '')}" for name in INPUT_ENVIRONMENT)):
        digest.update(line.encode() + b"\n")
    for folder in INPUT_FOLDERS:
        for line in file_stamps(root, folder):
            digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    for name in INPUT_FILES:
        for line in _one(root, name):
            digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def _one(root: Path, name: str):
    try:
        stat = (root / name).stat()
    except FileNotFoundError:
        return
    yield f"{name}\t{stat.st_size}\t{stat.st_mtime_ns}"


def site_in_place(root: Path, output: str) -> bool:
    """The built site is there and no page write was cut short."""
    site = root / output
    return ((site / "index.html").is_file() and (site / "pagefind").is_dir()
            and not any((root / "cache").glob(f"*/{JOURNAL}")))


def up_to_date(root: Path, settings: str, output: str) -> bool:
    try:
        saved = (root / STAMP).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return saved == fingerprint(root, settings, output) and site_in_place(root, output)


def save_stamp(root: Path, settings: str, output: str) -> None:
    write_whole(root / STAMP, fingerprint(root, settings, output) + "\n")


def forget_stamp(root: Path) -> None:
    (root / STAMP).unlink(missing_ok=True)


def run(*command: str) -> int:
    return subprocess.run(command).returncode


def build(settings: str, output: str) -> tuple[int, bool]:
    """The three steps: the exit status, and whether everything went cleanly.

    Rejected inputs do not fail the build (the rest is converted and built,
    as `make convert` has it), but they are not clean: the next run reports them again."""
    python = sys.executable
    pelican = str(Path(python).with_name("pelican"))
    converted = run(python, "scripts/convert_articles.py", "content/raw", "--output", "content/articles",
                    "--manifest", "cache/convert-manifest.json")
    if converted not in (0, 1):  # 1: some inputs rejected, the rest converted
        return converted, False
    built = run(pelican, "content", "-s", settings, "-o", output)
    indexed = run(python, "scripts/search_index.py", output)  # also after a post was left out
    status = built or indexed
    return status, status == 0 and converted == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Convert, build and index the site, when anything changed.")
    parser.add_argument("settings", help="Pelican settings file (pelican.conf.py or publish.conf.py)")
    parser.add_argument("--output", default="output")
    parser.add_argument("--force", action="store_true", help="build even when nothing changed")
    args = parser.parse_args(argv)
    project = Path.cwd()  # the project's folder, where make runs
    if not args.force and up_to_date(project, args.settings, args.output):
        print(f"{args.output}/ is up to date: nothing changed since the last build")
        return 0
    forget_stamp(project)  # a build cut short must not leave the old stamp vouching for it
    status, clean = build(args.settings, args.output)
    if clean:
        save_stamp(project, args.settings, args.output)
    return status


if __name__ == "__main__":
    sys.exit(main())
