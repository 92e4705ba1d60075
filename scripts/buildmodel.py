"""The build model: what every step of a build knows about itself, in one SQLite file.

    cache/build.db

A build is four steps in four processes (converter, Pelican, Pagefind's
indexer, the deploy), and each must know what the last run did to skip what
is done. They keep it here, in one store, each step's rows written in one
transaction (the search index's after each bundle, so a kill keeps the
bundles done):

- `file_hashes`: every input of a build (build_site.py) and every story
  page searched (search_index.py), by its content's SHA-256. A file's size,
  times and inode only spare hashing it again; a fresh checkout (new times,
  same bytes) hashes once and matches.
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
SCHEMA = 2  # 2: a file's change time in its key
_SCHEMA = f"""
CREATE TABLE file_hashes (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE records (
    kind TEXT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (kind, scope, name)) WITHOUT ROWID;
PRAGMA user_version = {SCHEMA};
"""
TIMEOUT_SECONDS = 30  # a writer's transaction is short; only a hung process holds one longer
UNREADABLE = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)  # set aside; "locked" or "read-only" are not
_warned: set[str] = set()


def _warn(path: Path, why: str) -> None:
    if str(path) not in _warned:
        _warned.add(str(path))
        print(f"warning: {path}: {why}; starting without it", file=sys.stderr)


class NotAModel(sqlite3.DatabaseError):
    """A file that is no model this version reads: another schema, or SQL of its own."""


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=TIMEOUT_SECONDS, isolation_level=None)  # transactions are explicit
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:  # a new file: made here, once
            db.execute("PRAGMA journal_mode = WAL")  # a reader never waits for a writer
            db.executescript(_SCHEMA)
            version = SCHEMA
        extras = db.execute("SELECT count(*) FROM sqlite_master WHERE type IN ('trigger', 'view')").fetchone()[0]
        if version != SCHEMA or extras:  # a model restored from elsewhere runs no SQL of its own
            raise NotAModel(f"schema {version}, not {SCHEMA}" if not extras else "it holds triggers or views")
        db.execute("PRAGMA synchronous = NORMAL")  # a kill loses no commit; only a power cut may lose the last
        return db
    except BaseException:
        db.close()
        raise


def connect(path: Path = MODEL) -> sqlite3.Connection:
    """The model, made if missing. One that cannot be read (not a database, a truncated
    copy, another schema) is moved aside to `<name>.unreadable` with one warning line:
    a cache is only worth the time it saves. One that is busy or cannot be written
    raises, as any file would (sqlite3.OperationalError)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _connect(path)
    except sqlite3.DatabaseError as error:
        if not isinstance(error, NotAModel) and getattr(error, "sqlite_errorcode", None) not in UNREADABLE:
            raise
        _warn(path, f"not a build model this version can read ({error})")
        for suffix in ("", "-wal", "-shm"):
            aside = Path(f"{path}{suffix}")
            if aside.exists():
                os.replace(aside, f"{path}.unreadable{suffix}")
        return _connect(path)


def _key(name: str) -> str:
    """A name as the model stores it: any file name, one that is not UTF-8 included,
    as text SQLite takes (its bytes, one character each); _name undoes it."""
    return name.encode("utf-8", "surrogateescape").decode("latin-1")


def _name(key: str) -> str:
    return key.encode("latin-1").decode("utf-8", "surrogateescape")


def read(path: Path, kind: str, scope: str = "") -> dict[str, object]:
    """One step's rows, name -> value (JSON), or {} when there are none."""
    if not Path(path).exists():
        return {}
    db = connect(path)
    try:
        rows = db.execute("SELECT name, value FROM records WHERE kind = ? AND scope = ?", (kind, _key(scope)))
        found = {}
        for name, value in rows:
            try:
                found[_name(name)] = json.loads(value)
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
            scope = _key(scope)
            if previous is None:
                db.execute("DELETE FROM records WHERE kind = ? AND scope = ?", (kind, scope))
                previous = {}
            else:
                db.executemany("DELETE FROM records WHERE kind = ? AND scope = ? AND name = ?",
                               [(kind, scope, _key(name)) for name in previous if name not in rows])
            db.executemany("INSERT OR REPLACE INTO records (kind, scope, name, value) VALUES (?, ?, ?, ?)",
                           [(kind, scope, _key(name), _encoded(value)) for name, value in rows.items()
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
            db.execute("DELETE FROM records WHERE kind = ? AND scope = ?", (kind, _key(scope)))
    finally:
        db.close()


def scopes(path: Path, kind: str) -> list[str]:
    if not Path(path).exists():
        return []
    db = connect(path)
    try:
        return [_name(scope) for (scope,) in db.execute("SELECT DISTINCT scope FROM records WHERE kind = ?",
                                                        (kind,))]
    finally:
        db.close()


# ---- content hashes ----------------------------------------------------------

def sha256_of(path: str | os.PathLike) -> str:
    return hash_and_stat(path)[0]


def hash_and_stat(path: str | os.PathLike) -> tuple[str, os.stat_result]:
    """The file's hash and its stat once read: a stat that differs from the one taken
    before means the bytes hashed may be neither version."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest(), os.fstat(stream.fileno())


def _stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What changes when a file's bytes may have: `cp -p` and `touch -r` keep the
    size and time, never the change time."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns


def known_hashes(path: Path, *prefixes: str, names: Iterable[str] = ()) -> dict[str, tuple]:
    """path -> (size, mtime_ns, inode, ctime_ns, sha256) of the files under each prefix,
    and of the files named, that the model has hashed."""
    if not Path(path).exists():
        return {}
    db = connect(path)
    query = "SELECT path, size, mtime_ns, inode, ctime_ns, sha256 FROM file_hashes"
    try:
        rows = [row for prefix in map(_key, prefixes)
                for row in db.execute(f"{query} WHERE path >= ? AND path < ?", (prefix, prefix + "\U0010ffff"))]
        rows += [row for name in names for row in db.execute(f"{query} WHERE path = ?", (_key(name),))]
        return {_name(row[0]): row[1:] for row in rows}
    except sqlite3.DatabaseError as error:
        _warn(Path(path), f"unreadable ({error})")
        return {}
    finally:
        db.close()


def hash_if_known(known: dict[str, tuple], name: str, stat: os.stat_result) -> str | None:
    """The file's hash when the model hashed it as it is (same size, times and inode)."""
    entry = known.get(name)
    return entry[4] if entry is not None and entry[:4] == _stat_key(stat) else None


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
                sha, now = hash_and_stat(os.path.join(root, name))
            except OSError:
                continue
            if _stat_key(now) != _stat_key(stat):  # changed since the caller looked: vouch for neither
                sha = f"changed while read: {now.st_mtime_ns}"
            else:
                fresh.append((name, *_stat_key(stat), sha))
        hashes[name] = sha
    gone = [(name,) for name in known if walked and name.startswith(walked) and name not in hashes]
    if fresh or gone:
        remember_hashes(path, fresh, gone)
    return hashes


def remember_hashes(path: Path, fresh: list[tuple], gone: list[tuple] = ()) -> None:
    """Record (name, size, mtime_ns, inode, ctime_ns, sha256) rows and drop (name,) rows,
    in one transaction."""
    db = connect(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("DELETE FROM file_hashes WHERE path = ?", [(_key(name),) for name, *_ in gone])
        db.executemany("INSERT OR REPLACE INTO file_hashes VALUES (?, ?, ?, ?, ?, ?)",
                       [(_key(name), *rest) for name, *rest in fresh])
        db.execute("COMMIT")
    finally:
        db.close()
