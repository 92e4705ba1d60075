"""Articles converted on every core build the same site as on one; a broken pool falls back."""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool

import newsroom.reader.parallel
import pytest
from conftest import convert_corpus
from sitebuild import build_site
from test_quality import differing_files

pytestmark = pytest.mark.site


def test_converting_on_every_core_builds_the_same_site_as_one_core(tmp_path, caplog):
    posts = convert_corpus(tmp_path / "posts")
    one_core = build_site(posts, tmp_path / "one", override={"PARALLEL_READ_MIN_FILES": 10**9})
    with caplog.at_level(logging.INFO, logger="newsroom.reader.parallel"):
        every_core = build_site(posts, tmp_path / "every", override={"PARALLEL_READ_MIN_FILES": 1})
    assert f"converted {len(posts)} articles on" in caplog.text
    assert len(list(every_core.glob("20*/*/*/*/index.html"))) == len(posts)  # every story page
    assert differing_files(one_core, every_core) == []


def test_the_build_after_a_parallel_build_converts_nothing(tmp_path, caplog, monkeypatch):
    """Parallel conversion fills the reader cache, and the cache is saved: the
    next build reads every story from it instead of converting them all again."""
    from newsroom.reader import SiteMarkdownReader

    posts = convert_corpus(tmp_path / "posts")
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "PARALLEL_READ_MIN_FILES": 1}
    # A first build on one core leaves a cache; then the new stories are converted on every core.
    build_site(posts[:5], tmp_path / "work", override={**cached, "PARALLEL_READ_MIN_FILES": 10**9})
    with caplog.at_level(logging.INFO, logger="newsroom.reader.parallel"):
        build_site(posts, tmp_path / "work", override=cached)
    assert f"converted {len(posts) - 5} articles on" in caplog.text

    reads = []
    original = SiteMarkdownReader.read
    monkeypatch.setattr(SiteMarkdownReader, "read", lambda self, path: reads.append(path) or original(self, path))
    # On one core, any story not taken from the cache goes through the reader.
    build_site(posts, tmp_path / "work", override={**cached, "PARALLEL_READ_MIN_FILES": 10**9})
    assert [path for path in reads if "/articles/" in path] == []


class BrokenPool:
    """A worker pool whose worker died."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def map(self, *args, **kwargs):
        raise BrokenProcessPool("a worker died")


def cache_of_another_shape(generator):
    """What reading a reader cache written by another Pelican might raise."""
    raise ValueError("too many values to unpack")


@pytest.mark.parametrize(
    ("name", "failure", "message"),
    [
        ("ProcessPoolExecutor", BrokenPool, "BrokenProcessPool: a worker died"),
        ("_to_convert", cache_of_another_shape, "ValueError: too many values to unpack"),
    ],
    ids=["a worker dies", "a cache of another shape"],
)
def test_a_failure_falls_back_to_one_core_with_a_warning_and_the_same_site(
        tmp_path, caplog, monkeypatch, name, failure, message):
    posts = convert_corpus(tmp_path / "posts")
    one_core = build_site(posts, tmp_path / "one", override={"PARALLEL_READ_MIN_FILES": 10**9})
    monkeypatch.setattr(newsroom.reader.parallel, name, failure)
    with caplog.at_level(logging.WARNING, logger="newsroom.reader.parallel"):
        fallback = build_site(posts, tmp_path / "fallback", override={"PARALLEL_READ_MIN_FILES": 1})
    assert f"converting on one core instead ({message})" in caplog.text
    assert differing_files(one_core, fallback) == []
