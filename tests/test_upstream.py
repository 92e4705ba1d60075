"""The fix we would offer Pelican applies to the installed release and keeps its order."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pelican
import pytest
from conftest import ROOT, convert_corpus

PATCH = ROOT / "plugins" / "newsroom" / "upstream" / "linear-listing-dates.patch"


def test_the_upstream_patch_applies_to_the_installed_pelican(tmp_path):
    target = tmp_path / "pelican"
    target.mkdir()
    shutil.copy(Path(pelican.__file__).with_name("generators.py"), target / "generators.py")
    done = subprocess.run(["git", "apply", "--check", "-p1", str(PATCH)], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.site
def test_sorting_a_listing_gives_pelicans_own_dates_order(tmp_path):
    """What the patch (and speed.py) computes equals Pelican's quadratic filter."""
    from newsroom.speed import _by_date
    from pelican import Pelican
    from pelican.generators import ArticlesGenerator
    from pelican.settings import read_settings
    from sitebuild import build_site

    posts = convert_corpus(tmp_path / "posts")
    build_site(posts, tmp_path / "site")
    settings = read_settings(str(ROOT / "pelican.conf.py"), override={
        "PATH": str(tmp_path / "site" / "content"), "OUTPUT_PATH": str(tmp_path / "out"),
        "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False})
    context = {**settings, "generated_content": {}, "static_links": set(), "static_content": {}}
    site = Pelican(settings)
    generator = ArticlesGenerator(context=context, settings=settings, path=settings["PATH"],
                                  theme=settings["THEME"], output_path=settings["OUTPUT_PATH"])
    generator.generate_context()
    assert site and len(generator.tags) > 20
    for articles in [*generator.tags.values(), *(a for _, a in generator.categories)]:
        assert _by_date(generator, articles) == [a for a in generator.dates if a in articles]
