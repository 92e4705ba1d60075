#!/usr/bin/env python3
"""Convert, build and index the site, or say it is already up to date.

    build_site.py SETTINGS [--output DIR] [--force] [--no-wait]     (run in the project's folder)

`make html` and `make publish` run this. The three steps (converter,
Pelican, Pagefind) each skip work that is already done, but at archive
scale even finding that out costs seconds: reading 10,000 cached stories,
fingerprinting 16,000 pages. So after a build that succeeded end to end,
the build's inputs are stamped in the build model (buildmodel.py): every
file under content/, theme/, plugins/ and scripts/, the settings,
pagefind.yml, the lock file and the environment variables the settings
read, twice: by name, size and modification time (the quick check), and by
name and content hash (true across a fresh checkout, whose times are all
new). The next run that finds either the same, with the site still in
place, does nothing.

The stamp is taken after the converter and before Pelican reads the
posts, and saved only if no input changed while the steps ran (a last walk
finds the same times): a file saved meanwhile is built by the next run.
A step that fails or reports a bad input saves no fingerprint, so the next
run does the work again and reports the problem again. Hand edits to
output/ are not inputs: `make clean html` rebuilds from nothing.

One build at a time: two builds writing output/, content/articles/ and the
caches together would leave a mix of both. The whole run, the up-to-date
check included, holds an exclusive flock on cache/build.lock; a second run
says in one line which build holds it and waits (or, with --no-wait, exits
with status 75). The kernel drops a flock when its last holder dies, even by
SIGKILL, so a crash leaves no stale lock; the steps inherit the lock, so a
step left running after its parent was killed still holds it.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import buildmodel

INPUT_FOLDERS = ("content", "theme", "plugins", "scripts")
POSTS = "content/articles"  # what the converter writes: stamped after it, as Pelican reads it
CONVERTED = (POSTS, "content/images")  # the converter's posts and their photos
_CONVERTED_PREFIXES = tuple(f"{folder}/" for folder in CONVERTED)
INPUT_FILES = ("pelican.conf.py", "publish.conf.py", "pagefind.yml", "requirements/runtime.txt")
INPUT_ENVIRONMENT = ("SITEURL", "SOURCE_DATE_EPOCH")
MODEL = buildmodel.MODEL  # the stamps, the converter's manifest, the pages, the search bundles, the deploys
LOCK = Path("cache/build.lock")
BUSY = 75  # EX_TEMPFAIL: another build holds the lock and --no-wait was given
NO_LOCK = 73  # EX_CANTCREAT: the lock file cannot be made or opened (never 1: `make convert` lets 1 pass)
JOURNAL = "newsroom-pages.journal"  # plugins/newsroom/incremental.py: pages being written
SKIPPED_NAMES = {"__pycache__", ".pytest_cache"}


def walk(root: Path, folder: str) -> Iterator[tuple[str, os.stat_result]]:
    """(path relative to root, stat) of every file under `folder`, in a stable order."""
    pending = [root / folder]
    base = len(str(root / folder))  # an entry's path is the folder's, then its own: no relpath per file
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
                yield folder + entry.path[base:], entry.stat()


def files_read(root: Path) -> dict[str, list]:
    """Every file a build reads, by group (a folder, or "files" for the single files): path, stat."""
    groups = {folder: list(walk(root, folder)) for folder in INPUT_FOLDERS}
    groups["files"] = [(name, stat) for name in INPUT_FILES if (stat := _stat(root / name))]
    return groups


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _header(settings: str, output: str) -> list[str]:
    return [f"settings\t{settings}", f"output\t{output}",
            *(f"env\t{name}\t{os.environ.get(name, '')}" for name in INPUT_ENVIRONMENT)]


def time_lines(files: dict[str, list]) -> list[str]:
    """Name, size and time of each file: the quick check, true when nothing was touched."""
    return [f"{name}\t{stat.st_size}\t{stat.st_mtime_ns}" for group in files.values() for name, stat in group]


def content_lines(root: Path, files: dict[str, list]) -> list[str]:
    """Name and content hash of each file (from the build model, hashing only what it has
    not seen as it is): true across a fresh checkout, where every time is new."""
    found = [file for group in files.values() for file in group]
    walked = tuple(f"{folder}/" for folder in INPUT_FOLDERS)
    hashes = buildmodel.content_hashes(root / MODEL, found, root, walked=walked)
    return [f"{name}\t{hashes[name]}" for name, _ in found if name in hashes]


@dataclass
class Inputs:
    """What a build reads, as found: the stamp vouches for it by times, else by contents."""

    root: Path
    settings: str
    output: str
    files: dict[str, list]

    @cached_property
    def times(self) -> str:
        return digest_of(_header(self.settings, self.output) + time_lines(self.files))

    @cached_property
    def contents(self) -> str:
        return digest_of(_header(self.settings, self.output) + content_lines(self.root, self.files))

    def with_posts_now(self) -> Inputs:
        """The same inputs with the posts and photos as the converter left them."""
        return Inputs(self.root, self.settings, self.output,
                      {**self.files, **{folder: list(walk(self.root, folder)) for folder in CONVERTED}})


def inputs_of(root: Path, settings: str, output: str) -> Inputs:
    """Posts apart from the rest of content/: they are stamped after the converter writes them."""
    files = files_read(root)
    content = files.pop("content")
    for folder in CONVERTED:
        files[folder] = [(name, stat) for name, stat in content if name.startswith(f"{folder}/")]
    files["content"] = [(name, stat) for name, stat in content if not is_converted(name)]
    return Inputs(root, settings, output, files)


def digest_of(lines: list[str]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for line in sorted(lines):
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def is_converted(name: str) -> bool:
    return name.startswith(_CONVERTED_PREFIXES)


def site_in_place(root: Path, output: str) -> bool:
    """The built site is there and no page write was cut short."""
    site = root / output
    return ((site / "index.html").is_file() and (site / "pagefind").is_dir()
            and not any((root / "cache").glob(f"*/{JOURNAL}")))


def up_to_date(root: Path, settings: str, output: str, inputs: Inputs | None = None, locked: bool = False) -> bool:
    """The stamp names the inputs as they are: by their times (nothing touched), or else
    by their contents (touched, or a fresh checkout, with the same bytes). Only a
    caller holding the build lock (`locked`) may refresh the stamp's times."""
    stamp = buildmodel.read(root / MODEL, "stamp", os.path.normpath(output)).get("inputs")
    if not isinstance(stamp, dict) or not site_in_place(root, output):
        return False
    inputs = inputs or inputs_of(root, settings, output)
    if stamp.get("times") == inputs.times:
        return True
    if stamp.get("contents") == inputs.contents:
        if locked:
            save_stamp(root, output, inputs)  # the times now, so the next check is the quick one
        return True
    return False


def save_stamp(root: Path, output: str, inputs: Inputs) -> None:
    buildmodel.replace(root / MODEL, "stamp", os.path.normpath(output), {"inputs": {"times": inputs.times,
                                                                  "contents": inputs.contents}})


def forget_stamp(root: Path, output: str) -> None:
    buildmodel.forget(root / MODEL, "stamp", os.path.normpath(output))


class BuildRunning(Exception):
    """Another build holds the lock; the message names it."""


class NoLock(Exception):
    """The lock file cannot be made or opened (a read-only or foreign cache/); the message says why."""


def holder_line(text: str) -> str:
    """'another build is running (pid N, since HH:MM:SS)', from what the holder wrote in the lock file."""
    try:
        pid, since = text.split()
        started = time.strftime("%H:%M:%S", time.localtime(float(since)))
        return f"another build is running (pid {int(pid)}, since {started})"
    except ValueError:  # the holder has the lock but has not written itself in yet
        return "another build is running"


def locked(path: Path, block: bool) -> int:
    """The lock file's descriptor, locked (BlockingIOError if busy and not `block`).
    Opened again if the file was removed or replaced (`make clean`) meanwhile:
    a lock on a file no longer at `path` keeps no one else out."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        lock = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if block else fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.path.samestat(os.fstat(lock), os.stat(path)):
                return lock
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(lock)
            raise
        os.close(lock)


@contextlib.contextmanager
def build_lock(root: Path, wait: bool = True) -> Iterator[int]:
    """Hold the project's build lock; yield its descriptor (the steps inherit it).

    Busy: raise BuildRunning, or say so in one line on stderr and wait."""
    path = root / LOCK
    try:
        try:
            lock = locked(path, block=False)
        except BlockingIOError:
            holder = holder_line(_text_of(path))
            if not wait:
                raise BuildRunning(holder) from None
            print(f"{holder}; waiting", file=sys.stderr, flush=True)
            lock = locked(path, block=True)
    except OSError as error:
        raise NoLock(f"error: {path.relative_to(root)}: cannot take the build lock: {error.strerror}") from None
    try:
        os.ftruncate(lock, 0)
        os.pwrite(lock, f"{os.getpid()} {time.time():.0f}\n".encode(), 0)
        yield lock
    finally:
        os.close(lock)  # the lock goes with the last descriptor of it


def _text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


CONVERTER = (sys.executable, "scripts/convert_articles.py", "content/raw", "--output", POSTS,
             "--manifest", str(MODEL))


def run(*command: str, lock: int | None = None) -> int:
    return subprocess.run(command, pass_fds=(lock,) if lock is not None else ()).returncode


def build(root: Path, settings: str, output: str, lock: int, inputs: Inputs) -> tuple[int, Inputs | None]:
    """The three steps: the exit status, and the fingerprint to save if everything went cleanly.

    Rejected inputs do not fail the build (the rest is converted and built,
    as `make convert` has it), but they are not clean: the next run reports them again.
    The fingerprint is of the inputs as each step was about to read them: the
    dumps and the rest before the converter, the posts before Pelican, so a file
    saved meanwhile is built by the next run. The converter is not handed the
    lock: its pool's forked workers would inherit it, and outlive a converter
    killed outright, holding every later build back; Pelican's readers are
    spawned, and Pagefind is one process."""
    python = sys.executable
    pelican = str(Path(python).with_name("pelican"))
    converted = run(*CONVERTER)  # `inputs`: taken just now
    if converted not in (0, 1):  # 1: some inputs rejected, the rest converted
        return converted, None
    seen = inputs.with_posts_now()
    seen.times, seen.contents  # noqa: B018 (taken now, before Pelican reads the posts)
    built = run(pelican, "content", "-s", settings, "-o", output, lock=lock)
    indexed = run(python, "scripts/search_index.py", output, "--model", str(MODEL),
                  lock=lock)  # also after a post was left out
    status = built or indexed
    return status, seen if status == 0 and converted == 0 else None


def convert_only(root: Path, wait: bool = True) -> int:
    """`make convert`: the converter alone, under the build lock, so it never
    writes posts while a build reads them."""
    with build_lock(root, wait):
        return run(*CONVERTER)


def build_if_changed(root: Path, settings: str, output: str, force: bool = False, wait: bool = True,
                     then: list[str] | None = None) -> int:
    """Under the build lock: build, or say the site is up to date. The check is
    made under the lock too: a build that waited may find its work done.
    `then`, a command run after a build that succeeded, still under the lock:
    `make deploy` uploads the site it built, never one another build rewrote meanwhile."""
    with build_lock(root, wait) as lock:
        inputs = inputs_of(root, settings, output)
        if not force and up_to_date(root, settings, output, inputs, locked=True):
            print(f"{output}/ is up to date: nothing changed since the last build", flush=True)
            status = 0
        else:
            forget_stamp(root, output)  # a build cut short must not leave the old stamp vouching for it
            status, seen = build(root, settings, output, lock, inputs)
            if seen and inputs_of(root, settings, output).times == seen.times:
                save_stamp(root, output, seen)  # no input changed while the steps read them
        if status == 0 and then:
            sys.stdout.flush()
            status = run(*then, lock=lock)  # held by the command too: killing this process does not free it
        return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Convert, build and index the site, when anything changed.")
    parser.add_argument("settings", help="Pelican settings file (pelican.conf.py or publish.conf.py)")
    parser.add_argument("--output", default="output")
    parser.add_argument("--force", action="store_true", help="build even when nothing changed")
    parser.add_argument("--no-wait", action="store_true",
                        help=f"when another build is running, exit with status {BUSY} instead of waiting")
    parser.add_argument("--then", nargs=argparse.REMAINDER, metavar="COMMAND",
                        help="after a build that succeeded, run COMMAND (all the arguments that follow) "
                             "under the same lock (make deploy: the upload)")
    parser.add_argument("--convert-only", action="store_true",
                        help="run the converter alone, under the lock (make convert); exit with its status")
    args = parser.parse_args(argv)
    project = Path.cwd()  # the project's folder, where make runs
    try:
        if args.convert_only:
            return convert_only(project, wait=not args.no_wait)
        return build_if_changed(project, args.settings, args.output, args.force, wait=not args.no_wait,
                                then=args.then)
    except BuildRunning as running:
        print(f"{running}; not waiting (--no-wait)", file=sys.stderr)
        return BUSY
    except NoLock as error:
        print(error, file=sys.stderr)
        return NO_LOCK


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C, while waiting or building: the steps were told too
        print("build_site: interrupted", file=sys.stderr)
        sys.exit(130)
