"""An editor's daily `make html`: nothing changed is nothing done; any change is built.

Each test runs the real `make html` on a scratch copy of the project.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import DUMPS
from project import make, ok, project_copy
from sitecompare import differing_files

pytestmark = pytest.mark.site
UP_TO_DATE = "output/ is up to date"


def output_times(project: Path) -> dict[str, int]:
    return {str(path.relative_to(project)): path.stat().st_mtime_ns
            for path in (project / "output").rglob("*") if path.is_file()}


@pytest.fixture
def built(tmp_path) -> Path:
    project = project_copy(tmp_path)
    first = ok(make(project, "html"))
    assert UP_TO_DATE not in first.stdout
    return project


def test_make_html_with_nothing_changed_touches_nothing(built):
    before = output_times(built)
    again = ok(make(built, "html"))
    assert UP_TO_DATE in again.stdout
    assert "Processed" not in again.stdout + again.stderr  # Pelican did not run
    assert output_times(built) == before


def test_a_hand_edited_post_is_built_on_the_next_make_html(built):
    post = next((built / "content/articles").glob("*.md"))
    text = post.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("Title: "))
    post.write_text(text.replace(title, title + " (corrected)"), encoding="utf-8")
    again = ok(make(built, "html"))
    assert UP_TO_DATE not in again.stdout
    pages = [path.read_text(encoding="utf-8") for path in (built / "output").glob("20*/*/*/*/index.html")]
    assert any("(corrected)</h1>" in page for page in pages)


def test_a_new_dump_is_converted_and_built_and_the_rest_skipped(built):
    shutil.copy(DUMPS / "no_photo.txt", built / "content/raw/no_photo.txt")
    again = ok(make(built, "html"))
    assert "1 input(s) converted before, skipped" in again.stdout
    for golden in (DUMPS.parent / "posts/no_photo").glob("*.md"):
        assert (built / "content/articles" / golden.name).is_file()
        slug = golden.stem[len("YYYY-MM-DD-"):]
        assert list((built / "output").glob(f"20*/*/*/{slug}/index.html"))
    assert UP_TO_DATE in ok(make(built, "html")).stdout


def tear(page: Path) -> None:
    """A write cut short by a kill: the second half of the page lost, its size and time
    as before (so only the journal can tell)."""
    stat, data = page.stat(), page.read_bytes()
    page.write_bytes(data[: len(data) // 2].ljust(len(data), b" "))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_site_deleted_or_cut_short_is_built_again_as_a_clean_build_would(built, tmp_path_factory):
    shutil.rmtree(built / "output")
    ok(make(built, "html"))
    assert (built / "output/index.html").is_file()
    tear(built / "output/index.html")
    (built / "cache/html/newsroom-pages.journal").write_text("index.html\n")  # a build killed mid-write
    again = ok(make(built, "html"))
    assert UP_TO_DATE not in again.stdout
    rebuilt = shutil.copytree(built / "output", tmp_path_factory.mktemp("rebuilt") / "output")
    ok(make(built, "clean", "html"))  # the same sources, built from nothing
    assert differing_files(rebuilt, built / "output") == []


def test_a_bad_post_is_reported_on_every_make_html_until_fixed(built):
    bad = built / "content/articles/bad_date.md"
    bad.write_text("Title: A bad date\nDate: yesterday\n\nBody.\n", encoding="utf-8")
    for _ in range(2):
        done = make(built, "html")
        assert done.returncode != 0
        assert "articles/bad_date.md: Date 'yesterday' is not a date" in done.stdout + done.stderr
    bad.unlink()
    ok(make(built, "html"))
    assert UP_TO_DATE in ok(make(built, "html")).stdout


def test_another_build_configuration_is_not_mistaken_for_this_one(built):
    published = ok(make(built, "publish", SITEURL="https://example.org/digest"))
    assert "public/ is up to date" not in published.stdout
    assert 'href="https://example.org/digest/' in (built / "public/index.html").read_text()
    elsewhere = ok(make(built, "publish", SITEURL="https://example.net"))  # another address: built again
    assert "public/ is up to date" not in elsewhere.stdout
    assert 'href="https://example.net/' in (built / "public/index.html").read_text()
    again = ok(make(built, "html"))
    assert UP_TO_DATE in again.stdout  # the preview was not touched
    assert 'href="https://example.' not in (built / "output/index.html").read_text()
