"""The build model (cache/build.db): one store for what every step knows, keyed by content.

Each test runs the real `make` targets on a scratch copy of the project.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import buildmodel
import pytest
from project import make, next_day, ok, project_copy
from sitecompare import differing_files

pytestmark = pytest.mark.site
UP_TO_DATE = "output/ is up to date"
INPUTS = ("content", "theme", "plugins", "scripts")


def output_times(project: Path) -> dict[str, int]:
    return {str(path.relative_to(project)): path.stat().st_mtime_ns
            for path in (project / "output").rglob("*") if path.is_file()}


def checked_out_again(project: Path) -> None:
    """Every input with a new modification time and the same bytes, as a fresh
    checkout (or a cache restored in CI) leaves them."""
    for folder in INPUTS:
        for path in (project / folder).rglob("*"):
            if path.is_file():
                stat = path.stat()
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 7 * 10**9))


@pytest.fixture
def built(tmp_path) -> Path:
    project = project_copy(tmp_path)
    ok(make(project, "html"))
    return project


def test_a_fresh_checkout_with_the_same_bytes_is_up_to_date(built):
    before = output_times(built)
    checked_out_again(built)
    again = ok(make(built, "html"))
    assert UP_TO_DATE in again.stdout
    assert "Processed" not in again.stdout + again.stderr  # Pelican did not run
    assert output_times(built) == before


def test_after_a_fresh_checkout_one_post_edited_is_built(built, tmp_path):
    checked_out_again(built)
    post = sorted((built / "content/articles").glob("*.md"))[0]
    post.write_text(post.read_text(encoding="utf-8").replace("\n\n", "\n\nA line added by the editor.\n\n", 1),
                    encoding="utf-8")
    again = ok(make(built, "html"))
    assert UP_TO_DATE not in again.stdout
    assert any("A line added by the editor." in page.read_text(encoding="utf-8")
               for page in (built / "output").glob("[0-9]*/**/index.html"))
    clean = project_copy(tmp_path / "clean")
    (clean / "content/articles").mkdir(parents=True, exist_ok=True)
    for path in (built / "content/articles").iterdir():
        (clean / "content/articles" / path.name).write_bytes(path.read_bytes())
    ok(make(clean, "html"))
    assert differing_files(built / "output", clean / "output") == []


def test_the_model_is_the_one_record_a_build_keeps(built):
    """Stamps, the converter's manifest, the pages, the search bundles: rows in one file.
    Beside it only the lock and Pelican's own content caches (a journal only while writing)."""
    ok(make(built, "publish", SITEURL="https://example.org/digest"))
    kept = sorted(str(path.relative_to(built / "cache")) for path in (built / "cache").rglob("*") if path.is_file())
    assert kept == ["build.db", "build.lock",
                    "html/ArticlesGenerator-Readers", "html/PagesGenerator-Readers",
                    "publish/ArticlesGenerator-Readers", "publish/PagesGenerator-Readers"]
    model = built / buildmodel.MODEL
    kinds = {(kind, scope) for kind in ("stamp", "converted", "pages", "search-bundle")
             for scope in buildmodel.scopes(model, kind)}
    assert {("stamp", "output"), ("stamp", "public"), ("converted", ""), ("pages", "html"),
            ("pages", "publish")} <= kinds
    assert {scope for kind, scope in kinds if kind == "search-bundle"} == {
        str((built / "output").resolve()), str((built / "public").resolve())}


def test_a_model_carrying_sql_of_its_own_is_set_aside_with_one_warning(built, tmp_path):
    """A model restored from elsewhere is data: one with a trigger (SQL that would run
    on our writes) is not opened, and the build goes on without it."""
    next_day(built)
    with sqlite3.connect(built / buildmodel.MODEL) as db:
        db.execute("CREATE TRIGGER planted AFTER INSERT ON records BEGIN DELETE FROM records; END")
    db.close()
    rebuilt = ok(make(built, "html"))
    said = (rebuilt.stdout + rebuilt.stderr).splitlines()
    assert sum("build.db" in line and "starting without it" in line for line in said) == 1, said
    with sqlite3.connect(built / buildmodel.MODEL) as db:
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] == 0
    db.close()
    clean = project_copy(tmp_path / "clean")
    ok(make(clean, "html"))
    assert differing_files(built / "output", clean / "output") == []


def test_a_file_is_hashed_again_only_when_touched_and_forgotten_when_gone(tmp_path, monkeypatch):
    model, root = tmp_path / "build.db", tmp_path / "project"
    for name in ("content/a.md", "content/articles/b.md", "theme/c.css", "pelican.conf.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    read: list[str] = []
    hash_of = buildmodel.hash_and_stat
    monkeypatch.setattr(buildmodel, "hash_and_stat", lambda path: read.append(Path(path).name) or hash_of(path))

    def hashes():
        files = [(str(path.relative_to(root)), path.stat()) for path in sorted(root.rglob("*")) if path.is_file()]
        return buildmodel.content_hashes(model, files, root, walked=("content/", "theme/"))

    first = hashes()
    assert sorted(read) == ["a.md", "b.md", "c.css", "pelican.conf.py"]
    read.clear()
    assert hashes() == first and read == []
    post = root / "content/articles/b.md"
    os.utime(post, ns=(post.stat().st_atime_ns, post.stat().st_mtime_ns + 10**9))  # touched, same bytes
    assert hashes() == first and read == ["b.md"]
    (root / "content/a.md").unlink()
    assert "content/a.md" not in hashes()
    assert set(buildmodel.known_hashes(model, "content/", "theme/", names=["pelican.conf.py"])) == {
        "content/articles/b.md", "theme/c.css", "pelican.conf.py"}


def test_a_busy_model_is_waited_for_and_never_set_aside(tmp_path, monkeypatch):
    """Only a file that is no model is moved aside: one another process is writing is not."""
    model = tmp_path / "build.db"
    buildmodel.replace(model, "stamp", "output", {"inputs": "before"})
    monkeypatch.setattr(buildmodel, "TIMEOUT_SECONDS", 0.1)
    holder = sqlite3.connect(model, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        buildmodel.replace(model, "stamp", "output", {"inputs": "after"})
    holder.execute("ROLLBACK")
    holder.close()
    assert not list(tmp_path.glob("*.unreadable*"))
    assert buildmodel.read(model, "stamp", "output") == {"inputs": "before"}


def test_a_file_name_that_is_not_utf8_is_hashed_and_known(tmp_path):
    """Any name a file system allows (here Latin-1 bytes) goes in and comes back as it was."""
    root = tmp_path / "project"
    raw = os.fsencode(root / "content/raw") + b"/caf\xe9.txt"
    os.makedirs(os.path.dirname(raw))
    with open(raw, "wb") as stream:
        stream.write(b"a dump")
    name = os.fsdecode(raw)[len(str(root)) + 1:]
    hashes = buildmodel.content_hashes(tmp_path / "build.db", [(name, os.stat(raw))], root, walked=("content/",))
    assert list(hashes) == [name]
    assert list(buildmodel.known_hashes(tmp_path / "build.db", "content/")) == [name]
    buildmodel.replace(tmp_path / "build.db", "converted", "", {name: {"size": 6}})
    assert buildmodel.read(tmp_path / "build.db", "converted") == {name: {"size": 6}}
