"""Our patches of Pelican: one switch, one version, and the same site either way."""

from __future__ import annotations

import logging

import pelican
import pytest
from conftest import ROOT, convert_corpus
from newsroom.patching import PATCHED_PELICAN, patches_on
from sitebuild import build_site
from test_quality import differing_files

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def posts(tmp_path_factory):
    return convert_corpus(tmp_path_factory.mktemp("posts"))


def test_the_installed_pelican_is_the_release_the_patches_were_written_for():
    """Upgrading Pelican is a decision: re-measure the patches, then move PATCHED_PELICAN."""
    assert pelican.__version__ == PATCHED_PELICAN


def test_the_site_is_byte_identical_with_the_speedups_on_and_off(posts, tmp_path):
    fast = build_site(posts, tmp_path / "on", override={"NEWSROOM_SPEEDUPS": True})
    assert patches_on()
    plain = build_site(posts, tmp_path / "off", override={"NEWSROOM_SPEEDUPS": False})
    assert not patches_on()
    assert len(list(fast.rglob("*.html"))) > 150
    assert differing_files(fast, plain) == []


def test_another_pelican_builds_with_its_own_code_and_one_warning(posts, tmp_path, monkeypatch, caplog):
    reference = build_site(posts, tmp_path / "reference")
    monkeypatch.setattr(pelican, "__version__", "4.13.0")
    with caplog.at_level(logging.WARNING, logger="newsroom.patching"):
        other = build_site(posts, tmp_path / "other")
    warnings = [r.getMessage() for r in caplog.records if r.name == "newsroom.patching"]
    assert len(warnings) == 1 and "Pelican 4.13.0 is not 4.12.0" in warnings[0]
    assert not patches_on()
    assert differing_files(reference, other) == []


def test_a_memoised_url_follows_a_changed_slug(tmp_path):
    from pelican.contents import Article
    from pelican.settings import read_settings
    from pelican.utils import SafeDatetime

    settings = read_settings(str(ROOT / "pelican.conf.py"))
    build_site([], tmp_path)  # a build switches the patches on
    assert patches_on()
    story = Article("<p>Text.</p>", metadata={"title": "A story", "slug": "first-slug",
                                              "date": SafeDatetime(2025, 3, 1)}, settings=settings)
    assert story.url == "2025/03/01/first-slug/"
    story.slug = "second-slug"
    assert story.url == "2025/03/01/second-slug/"
    assert story.save_as == "2025/03/01/second-slug/index.html"
