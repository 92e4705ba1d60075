"""The README's commands in any order, on a copy of the project, end where a clean build would.

Each test copies the project's tracked files into a scratch folder (sharing
this checkout's .venv) and runs the real `make` targets there.
"""

from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path

import buildmodel
import pytest
from conftest import ROOT
from project import make, next_day, ok, project_copy
from test_quality import differing_files

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def clean_html(tmp_path_factory) -> Path:
    """`make html` on a fresh copy: what every sequence below must end as."""
    project = project_copy(tmp_path_factory.mktemp("clean"))
    ok(make(project, "html"))
    return project / "output"


def test_publish_builds_public_beside_the_preview_and_neither_undoes_the_other(tmp_path, clean_html):
    """`make publish` writes public/, `make html` output/: switching between them renders
    nothing again (each keeps its own fingerprints, stamp and search state)."""
    project = project_copy(tmp_path)
    ok(make(project, "html"))
    preview = {path: path.stat().st_mtime_ns for path in (project / "output").rglob("*")}
    published = ok(make(project, "publish", SITEURL="https://example.org/digest"))
    assert "Traceback" not in published.stderr
    assert 'href="https://example.org/digest/' in (project / "public/index.html").read_text()
    assert {path: path.stat().st_mtime_ns for path in (project / "output").rglob("*")} == preview
    assert "output/ is up to date" in ok(make(project, "html")).stdout
    assert "public/ is up to date" in ok(make(project, "publish", SITEURL="https://example.org/digest")).stdout
    assert differing_files(project / "output", clean_html) == []


def test_publish_from_clean_then_html_leaves_no_broken_cache(tmp_path, clean_html):
    project = project_copy(tmp_path)
    ok(make(project, "clean"))
    published = ok(make(project, "publish"))
    assert "Could not save" not in published.stdout + published.stderr
    for cache in (project / "cache").rglob("*Readers"):
        assert cache.stat().st_size > 0, cache
    ok(make(project, "html"))
    ok(make(project, "html"))
    assert differing_files(project / "output", clean_html) == []


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other version"])
def test_a_damaged_content_cache_is_dropped_with_one_warning(tmp_path, clean_html, damage):
    project = project_copy(tmp_path)
    ok(make(project, "html"))
    cache = project / "cache/html/ArticlesGenerator-Readers"
    if damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:100])
    elif damage == "garbage":
        cache.write_bytes(b"\x00not a pickle at all")
    else:
        cache.write_bytes(pickle.dumps({"version": (0, "3.0", (2, 7)), "data": {}}))
    next_day(project)
    rebuilt = ok(make(project, "html"))
    warnings = [line for line in rebuilt.stdout.splitlines() if "ArticlesGenerator-Readers" in line]
    assert len(warnings) == 1 and "starting without it" in warnings[0]
    assert differing_files(project / "output", clean_html) == []
    next_day(project)
    assert "starting without it" not in ok(make(project, "html")).stdout  # saved afresh


@pytest.mark.parametrize("damage", ["rows", "truncated", "garbage"])
def test_a_damaged_build_model_is_dropped_with_one_warning(tmp_path, clean_html, damage):
    """Pages' rows of another shape are dropped by the site's build; a model that is
    no database at all is set aside by the first step that opens it: one line either way."""
    project = project_copy(tmp_path)
    ok(make(project, "html"))
    next_day(project)
    model = project / buildmodel.MODEL
    if damage == "rows":
        buildmodel.replace(model, "pages", "html", {"index.html": 7})
    elif damage == "truncated":
        model.write_bytes(model.read_bytes()[:100])
    else:
        model.write_bytes(b"\x00not a database at all" * 100)
    (project / "output/index.html").write_text("stale")
    rebuilt = ok(make(project, "html"))
    said = (rebuilt.stdout + rebuilt.stderr).splitlines()
    assert sum("build.db" in line for line in said) == 1, said
    assert differing_files(project / "output", clean_html) == []


def test_a_page_overwritten_since_the_last_build_is_rendered_again(tmp_path, clean_html):
    """The ledger vouches for a file only while it is the file the build left."""
    project = project_copy(tmp_path)
    ok(make(project, "html"))
    page = next((project / "output").glob("20*/*/*/*/index.html"))
    page.write_text(page.read_text().replace("News Digest", "Stale Digest"))
    next_day(project)
    ok(make(project, "html"))
    assert differing_files(project / "output", clean_html) == []


def fragment_urls(output: Path) -> list[str]:
    """The story URL each search fragment holds (fragments are gzipped JSON)."""
    urls = []
    for fragment in sorted((output / "pagefind").glob("*/fragment/*")):
        text = gzip.decompress(fragment.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd")
        urls.append(json.loads(text)["url"])
    return urls


def test_a_removed_storys_text_leaves_the_search_index(tmp_path):
    project = project_copy(tmp_path)
    ok(make(project, "html"))
    before = fragment_urls(project / "output")
    removed = sorted((project / "content/articles").glob("*.md"))[0]
    url = "/" + removed.stem[:10].replace("-", "/") + "/" + removed.stem[11:] + "/"
    assert url in before
    (project / "content/raw").rename(project / "raw-aside")  # so no dump brings it back
    removed.unlink()
    ok(make(project, "html"))
    after = fragment_urls(project / "output")
    assert url not in after
    assert sorted(after) == sorted(u for u in before if u != url)


def test_a_bad_post_fails_make_html_with_a_last_line_yet_the_rest_is_built(tmp_path, clean_html):
    project = project_copy(tmp_path)
    bad = ROOT / "tests/fixtures/hand_written/bad_date.md"
    (project / "content/articles/bad_date.md").write_bytes(bad.read_bytes())
    built = make(project, "html")
    assert built.returncode != 0
    lines = [line.strip() for line in built.stdout.splitlines() if line.strip()]
    assert "1 post left out of the site (see the errors above); the rest is built" in lines[-1]
    assert any("articles/bad_date.md: Date 'yesterday' is not a date" in line for line in lines)
    assert "Traceback" not in built.stdout + built.stderr
    assert differing_files(project / "output", clean_html) == []  # every good story, search included
    published = make(project, "publish")
    assert published.returncode != 0


def test_drafts_are_previewed_by_make_html_never_published_and_an_undated_post_fails_both(tmp_path):
    project = project_copy(tmp_path)
    articles = project / "content/articles"
    for name in ("quokka", "numbat"):
        (articles / f"{name}.md").write_text(f"Title: The {name} draft\nDate: 2025-03-04\nStatus: draft\n\n"
                                             f"{name.title()} text.\n", encoding="utf-8")
    (articles / "undated.md").write_text("Title: A story with no date\n\nWhen did it happen?\n", encoding="utf-8")
    built = make(project, "html")
    assert built.returncode != 0
    last = [line for line in built.stdout.splitlines() if line.strip()][-1]
    assert "1 post left out of the site" in last
    assert "articles/undated.md: no Date" in built.stdout + built.stderr
    assert "Traceback" not in built.stdout + built.stderr
    assert sorted(path.name for path in (project / "output/drafts").iterdir()) == [
        "the-numbat-draft.html", "the-quokka-draft.html"]
    published = make(project, "publish", SITEURL="https://example.org")
    assert published.returncode != 0
    assert "1 post left out of the site" in published.stdout
    output = project / "public"
    assert (output / "index.html").is_file() and not (output / "drafts").exists()
    assert "same address" not in published.stdout + published.stderr
    assert not [path for path in output.rglob("*") if path.is_file()
                and (b"quokka" in path.read_bytes().lower() or b"numbat" in path.read_bytes().lower())]
