"""Pages rendered on every core: forked workers split the pages, and the site is the one a single process makes."""

from __future__ import annotations

import logging
import os

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


def test_three_workers_make_the_site_one_process_makes(posts, one_process, tmp_path, monkeypatch):
    forks = counting_forks(monkeypatch)
    shared = build_site(posts, tmp_path, override={"NEWSROOM_RENDER_WORKERS": 3})
    assert len(forks) == 2  # the parent renders a third itself
    assert len(list(shared.rglob("*.html"))) > 150
    assert differing_files(shared, one_process) == []  # sitemap.xml included: every worker's pages are in it


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
