"""The build model: what every step of a build knows about itself, in one SQLite file.

    cache/build.db

A build is four steps in four processes (converter, Pelican, Pagefind's
indexer, the deploy), and each must know what the last run did to skip what
is done. They keep it here, in one store, each step in one transaction:

- `file_hashes`: every file a step read or wrote, by its content's SHA-256.
  A file's size, modification time and inode only spare hashing it again;
  a fresh checkout (new times, same bytes) hashes once and matches.
- `records`: each step's own rows, by kind and scope (the converter's
  inputs and posts, the pages each build configuration rendered, the search
  bundles of each output folder, what each deploy target was sent, the
  fingerprint of each output folder's inputs).

A step reads its rows at its start and replaces them at its end in one
transaction: a step killed midway leaves the last run's rows, as it left
the old JSON file before (Pelican's page journal says which files it may
have been writing). A model that is missing costs a full build; one that is
unreadable is set aside with one warning line, and the build starts afresh.

Standard library only (sqlite3): the plugin loads this file too.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

MODEL = Path("cache/build.db")
ERRORS = (OSError, sqlite3.Error)  # what saving can raise: a full disk, a read-only cache
SCHEMA = 1
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS file_hashes (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
    sha256 TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (kind, scope, name)) WITHOUT ROWID;
PRAGMA user_version = {SCHEMA};
"""
_warned: set[str] = set()


def _warn(path: Path, why: str) -> None:
    if str(path) not in _warned:
        _warned.add(str(path))
        print(f"warning: {path}: {why}; starting without it", file=sys.stderr)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None)  # transactions are explicit
    db.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
    db.execute("PRAGMA synchronous = NORMAL")  # a kill loses no commit; only a power cut may lose the last
    version = db.execute("PRAGMA user_version").fetchone()[0]
    extras = db.execute("SELECT count(*) FROM sqlite_master WHERE type IN ('trigger', 'view')").fetchone()[0]
    if version not in (0, SCHEMA) or extras:  # a model restored from elsewhere runs no SQL of its own
        db.close()
        raise sqlite3.DatabaseError(f"schema {version}, not {SCHEMA}" if not extras else "triggers or views")
    db.executescript(_SCHEMA)
    return db


def connect(path: Path = MODEL) -> sqlite3.Connection:
    """The model, made if missing. One that cannot be read (not a database, another
    schema, a truncated copy) is moved aside to `<name>.unreadable` with one warning
    line: a cache is only worth the time it saves."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _connect(path)
    except sqlite3.DatabaseError as error:
        _warn(path, f"not a build model this version can read ({error})")
        for suffix in ("", "-wal", "-shm"):
            aside = Path(f"{path}{suffix}")
            if aside.exists():
                os.replace(aside, f"{path}.unreadable{suffix}")
        return _connect(path)


def read(path: Path, kind: str, scope: str = "") -> dict[str, object]:
    """One step's rows, name -> value (JSON), or {} when there are none."""
    if not Path(path).exists():
        return {}
    db = connect(path)
    try:
        rows = db.execute("SELECT name, value FROM records WHERE kind = ? AND scope = ?", (kind, scope))
        found = {}
        for name, value in rows:
            try:
                found[name] = json.loads(value)
            except ValueError:
                continue
        return found
    except sqlite3.DatabaseError as error:
        _warn(Path(path), f"unreadable ({error})")
        return {}
    finally:
        db.close()


def _encoded(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def replace(path: Path, kind: str, scope: str, rows: dict[str, object],
            previous: dict[str, object] | None = None) -> None:
    """Make `rows` the step's rows, in one transaction (see write)."""
    write(path, (kind, scope, rows, previous))


def write(path: Path, *changes: tuple[str, str, dict, dict | None]) -> None:
    """Each (kind, scope, rows, previous): make `rows` that step's rows, all in one
    transaction. With `previous` (what read() gave), only the rows that differ
    are written: a warm build changes few."""
    db = connect(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        for kind, scope, rows, previous in changes:
            if previous is None:
                db.execute("DELETE FROM records WHERE kind = ? AND scope = ?", (kind, scope))
                previous = {}
            else:
                db.executemany("DELETE FROM records WHERE kind = ? AND scope = ? AND name = ?",
                               [(kind, scope, name) for name in previous if name not in rows])
            db.executemany("INSERT OR REPLACE INTO records (kind, scope, name, value) VALUES (?, ?, ?, ?)",
                           [(kind, scope, name, _encoded(value)) for name, value in rows.items()
                            if name not in previous or previous[name] != value])
        db.execute("COMMIT")
    finally:
        db.close()


def forget(path: Path, kind: str, scope: str | None = None) -> None:
    """Drop a step's rows (one scope, or all of the kind)."""
    if not Path(path).exists():
        return
    db = connect(path)
    try:
        if scope is None:
            db.execute("DELETE FROM records WHERE kind = ?", (kind,))
        else:
            db.execute("DELETE FROM records WHERE kind = ? AND scope = ?", (kind, scope))
    finally:
        db.close()


def scopes(path: Path, kind: str) -> list[str]:
    if not Path(path).exists():
        return []
    db = connect(path)
    try:
        return [scope for (scope,) in db.execute("SELECT DISTINCT scope FROM records WHERE kind = ?", (kind,))]
    finally:
        db.close()


# ---- content hashes ----------------------------------------------------------

def sha256_of(path: str | os.PathLike) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _stat_key(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def known_hashes(path: Path, *prefixes: str, names: Iterable[str] = ()) -> dict[str, tuple[int, int, int, str]]:
    """path -> (size, mtime_ns, inode, sha256) of the files under each prefix, and of
    the files named, that the model has hashed."""
    if not Path(path).exists():
        return {}
    db = connect(path)
    query = "SELECT path, size, mtime_ns, inode, sha256 FROM file_hashes"
    try:
        rows = [row for prefix in prefixes
                for row in db.execute(f"{query} WHERE path >= ? AND path < ?", (prefix, prefix + "\U0010ffff"))]
        rows += [row for name in names for row in db.execute(f"{query} WHERE path = ?", (name,))]
        return {name: (size, mtime, inode, sha) for name, size, mtime, inode, sha in rows}
    except sqlite3.DatabaseError as error:
        _warn(Path(path), f"unreadable ({error})")
        return {}
    finally:
        db.close()


def hash_if_known(known: dict[str, tuple], name: str, stat: os.stat_result) -> str | None:
    """The file's hash when the model hashed it as it is (same size, time and inode)."""
    entry = known.get(name)
    return entry[3] if entry is not None and entry[:3] == _stat_key(stat) else None


def content_hashes(path: Path, files: Iterable[tuple[str, os.stat_result]], root: str | os.PathLike = ".",
                   walked: tuple[str, ...] = ()) -> dict[str, str]:
    """name -> SHA-256 of each file (named relative to `root`), hashing only those the
    model has not seen as they are. The model learns the new hashes and forgets the
    files it knew under the `walked` folders (walked whole by the caller) that are
    gone. A file that vanishes meanwhile is left out."""
    files = list(files)
    elsewhere = [name for name, _ in files if not name.startswith(walked)] if walked else [name for name, _ in files]
    known = known_hashes(path, *walked, names=elsewhere)
    hashes, fresh = {}, []
    for name, stat in files:
        sha = hash_if_known(known, name, stat)
        if sha is None:
            try:
                sha = sha256_of(os.path.join(root, name))
            except OSError:
                continue
            fresh.append((name, *_stat_key(stat), sha))
        hashes[name] = sha
    gone = [(name,) for name in known if walked and name.startswith(walked) and name not in hashes]
    if fresh or gone:
        remember_hashes(path, fresh, gone)
    return hashes


def remember_hashes(path: Path, fresh: list[tuple], gone: list[tuple] = ()) -> None:
    """Record (name, size, mtime_ns, inode, sha256) rows and drop (name,) rows, in one transaction."""
    db = connect(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("DELETE FROM file_hashes WHERE path = ?", gone)
        db.executemany("INSERT OR REPLACE INTO file_hashes VALUES (?, ?, ?, ?, ?)", fresh)
        db.execute("COMMIT")
    finally:
        db.close()
