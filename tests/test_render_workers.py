"""Pages rendered on every core: forked workers split the pages, and the site is the one a single process makes."""

from __future__ import annotations

import logging
import os

import buildmodel
import pytest
from conftest import convert_corpus
from newsroom import render_workers
from sitebuild import build_site
from test_quality import differing_files

pytestmark = pytest.mark.site

CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}


@pytest.fixture(scope="module")
def posts(tmp_path_factory):
    return convert_corpus(tmp_path_factory.mktemp("posts"))


@pytest.fixture(scope="module")
def one_process(posts, tmp_path_factory):
    return build_site(posts, tmp_path_factory.mktemp("one"), override={"NEWSROOM_RENDER_WORKERS": 1})


def counting_forks(monkeypatch) -> list[int]:
    """Forks made from this process (render workers do not fork again)."""
    made: list[int] = []
    fork = os.fork

    def counted():
        pid = fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(render_workers.os, "fork", counted)
    return made


def test_three_workers_make_the_site_one_process_makes(posts, one_process, tmp_path, monkeypatch, caplog):
    forks = counting_forks(monkeypatch)
    with caplog.at_level(logging.INFO, logger="newsroom.incremental"):
        shared = build_site(posts, tmp_path, override={"NEWSROOM_RENDER_WORKERS": 3})
    assert len(forks) == 2  # the parent renders a third itself
    assert len(list(shared.rglob("*.html"))) > 150
    assert differing_files(shared, one_process) == []  # sitemap.xml included: every worker's pages are in it
    ledger = buildmodel.read(tmp_path / "build.db", "pages", "cache")  # CACHE_PATH: tmp_path/cache
    written = sum(len(entry["files"]) for name, entry in ledger.items() if not name.startswith("static:"))
    assert f"newsroom: {written} files rendered, 0 unchanged and kept" in caplog.text  # each page counted once


def test_a_build_after_a_shared_one_keeps_every_page_the_workers_wrote(posts, tmp_path):
    """The workers' ledger entries reach the parent's ledger: nothing changed, nothing rendered again."""
    output = build_site(posts, tmp_path, override={**CACHED, "NEWSROOM_RENDER_WORKERS": 2})
    pages = {path: path.stat().st_mtime_ns for path in output.rglob("*.html")}
    build_site(posts, tmp_path, override={**CACHED, "NEWSROOM_RENDER_WORKERS": 2})
    assert len(pages) > 150
    assert [path for path, written in pages.items() if path.stat().st_mtime_ns != written] == []


def test_a_worker_that_dies_has_its_pages_rendered_by_the_parent(posts, one_process, tmp_path, monkeypatch, caplog):
    parent = os.getpid()
    render_share = render_workers._render_share

    def dying(generator, writer, original, share):
        if os.getpid() != parent:
            os._exit(9)  # as a worker killed by the kernel would
        return render_share(generator, writer, original, share)

    monkeypatch.setattr(render_workers, "_render_share", dying)
    with caplog.at_level(logging.WARNING, logger=render_workers.__name__):
        shared = build_site(posts, tmp_path, override={"NEWSROOM_RENDER_WORKERS": 2})
    assert "render worker 1 of 2 failed; its pages are rendered here" in caplog.text
    assert differing_files(shared, one_process) == []


def test_a_post_saved_over_a_listing_wins_whatever_the_workers(posts, tmp_path):
    """A hand-written post whose Save_as is a topic's address overrides that listing,
    as Pelican does in one process: every write of one file falls to one worker,
    in Pelican's order, so the listing's later write is skipped there too."""
    claimed = tmp_path / "posts" / "2025-03-04-claimed.md"
    claimed.parent.mkdir()
    claimed.write_text("Title: A post over the Moldova page\nDate: 2025-03-04\nCategory: Europe\n"
                       "Save_as: tag/moldova/index.html\n\nA story saved where the topic's page was.\n",
                       encoding="utf-8")
    one = build_site([*posts, claimed], tmp_path / "one", override={"NEWSROOM_RENDER_WORKERS": 1})
    assert "A story saved where the topic" in (one / "tag/moldova/index.html").read_text()
    shared = build_site([*posts, claimed], tmp_path / "shared", override={"NEWSROOM_RENDER_WORKERS": 3})
    assert differing_files(shared, one) == []
