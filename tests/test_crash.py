"""A build or an import killed at any moment: the next `make html` ends where a clean build would.

Each test runs the real `make html` on a copy of the project holding a
synthetic archive large enough that a kill lands in the middle of writing
(about 2,000 files), kills the whole command with SIGKILL at a chosen point,
checks that the kill did land there, then lets an editor carry on and
compares the result, file for file (pages, feeds, sitemap, search index),
with a clean build of the same content.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from project import MAKE_ENV, make, make_command, ok, project_copy
from test_build_modes import fragment_urls
from test_quality import differing_files

pytestmark = pytest.mark.site

STORIES = 700
JOURNAL = "cache/html/newsroom-pages.journal"


def with_archive(where: Path) -> Path:
    from synthetic import write_archive

    project = project_copy(where)
    write_archive(project / "content" / "raw", STORIES)
    return project


@pytest.fixture(scope="module")
def built_archive(tmp_path_factory) -> Path:
    """The archive built once; each test starts from a copy of it."""
    project = with_archive(tmp_path_factory.mktemp("archive") / "project")
    ok(make(project, "html"))
    return project


def copy_of(project: Path, where: Path) -> Path:
    target = where / "project"
    shutil.copytree(project, target, symlinks=True)
    return target


def clean_build_of(project: Path, where: Path) -> Path:
    """The same content (posts, dumps, story lists) built from nothing."""
    clean = copy_of(project, where)
    shutil.rmtree(clean / "output", ignore_errors=True)
    shutil.rmtree(clean / "cache", ignore_errors=True)
    ok(make(clean, "html"))
    return clean / "output"


def lines(path: Path) -> int:
    try:
        return len(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except FileNotFoundError:
        return 0


def kill_when(project: Path, landed, *targets: str, timeout: float = 120) -> None:
    """Run `make TARGETS`, SIGKILL the whole command as soon as `landed()` is true."""
    command = subprocess.Popen(make_command(*(targets or ("html",))), cwd=project,
                               env={**os.environ, **MAKE_ENV}, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    try:
        while not landed():
            assert command.poll() is None, "the command ended before the kill point"
            assert time.monotonic() < deadline, "the kill point never came"
            time.sleep(0.002)
    finally:
        os.killpg(command.pid, signal.SIGKILL)
        command.wait()


def retitle(post: Path, title: str) -> None:
    text = post.read_text(encoding="utf-8")
    post.write_text("\n".join([f"Title: {title}", *text.splitlines()[1:]]) + "\n", encoding="utf-8")


def edit_everywhere(project: Path, mark: str) -> dict[Path, str]:
    """Edit what every page and feed shows: the about page's title (every
    footer) and the newest story's title (every feed it is in). Returns the
    originals, to revert."""
    about = project / "content/pages/about.md"
    newest = max((project / "content/articles").glob("*.md"))
    originals = {path: path.read_text(encoding="utf-8") for path in (about, newest)}
    retitle(about, f"About the digest {mark}")
    retitle(newest, f"{originals[newest].splitlines()[0].removeprefix('Title: ')} {mark}")
    return originals


@pytest.mark.parametrize("after_files", [30, 1200], ids=["writing feeds", "writing pages"])
def test_a_build_killed_while_writing_then_reverted_ends_as_a_clean_build(
        built_archive, tmp_path, after_files):
    project = copy_of(built_archive, tmp_path)
    files = sum(1 for _ in (project / "output").rglob("*.*ml"))
    assert files > after_files + 500
    originals = edit_everywhere(project, "(draft)")
    kill_when(project, lambda: lines(project / JOURNAL) >= after_files)
    assert after_files <= lines(project / JOURNAL) < files  # the kill landed mid-write
    carried = [p for p in (project / "output").rglob("*.*ml") if "(draft)" in p.read_text(encoding="utf-8")]
    assert carried  # files already carry the edit about to be reverted
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")
    ok(make(project, "html"))
    assert not (project / JOURNAL).exists()
    assert not any("(draft)" in p.read_text(encoding="utf-8") for p in (project / "output").rglob("*.*ml"))
    assert differing_files(project / "output", clean_build_of(project, tmp_path / "clean")) == []


def test_a_build_killed_while_indexing_for_search_ends_as_a_clean_build(built_archive, tmp_path):
    project = copy_of(built_archive, tmp_path)
    edit_everywhere(project, "(revised)")
    kill_when(project, lambda: any((project / "output/pagefind").glob(".*.next")))
    ok(make(project, "html"))
    assert not any((project / "output/pagefind").glob(".*.next"))
    assert differing_files(project / "output", clean_build_of(project, tmp_path / "clean")) == []


def test_new_stories_killed_mid_build_then_deleted_are_neither_served_nor_found(built_archive, tmp_path):
    from synthetic import extra_article

    project = copy_of(built_archive, tmp_path)
    posts = project / "content/articles"
    before = set(posts.glob("*.md"))
    extra_article(project / "content/raw", 900001)
    ok(make(project, "convert"))
    new_posts = sorted(set(posts.glob("*.md")) - before)
    assert len(new_posts) == 1
    day, slug = new_posts[0].stem[:10], new_posts[0].stem[11:]
    page = project / "output" / day.replace("-", "/") / slug / "index.html"
    kill_when(project, page.exists)  # its page is written, the build is not done
    assert page.exists() and (project / JOURNAL).exists()
    for post in new_posts:  # the editor changes their mind
        post.unlink()
    built = ok(make(project, "html"))
    assert "deleted" in built.stdout  # listed in removed.tsv: the dump stays, the story stays out
    assert not page.exists()
    url = "/" + day.replace("-", "/") + "/" + slug + "/"
    assert url not in fragment_urls(project / "output")
    assert differing_files(project / "output", clean_build_of(project, tmp_path / "clean")) == []


def test_a_killed_import_leaves_no_temporary_file_and_the_next_build_is_whole(tmp_path):
    project = with_archive(tmp_path / "project")
    posts = project / "content/articles"
    for post in posts.glob("*.md"):
        post.unlink()
    (posts / "imported.tsv").unlink(missing_ok=True)
    kill_when(project, lambda: sum(1 for _ in posts.glob("*.md")) >= 5, "convert")
    written = sum(1 for _ in posts.glob("*.md"))
    assert 5 <= written < STORIES  # killed while posts were being written
    ok(make(project, "html"))
    assert list(posts.glob(".*.tmp")) == []
    assert sum(1 for _ in posts.glob("*.md")) == STORIES + 2  # the archive and the seed's two
    assert differing_files(project / "output", clean_build_of(project, tmp_path / "clean")) == []
