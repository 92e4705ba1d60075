"""Build a site with the project's real settings from a given content folder."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from conftest import ROOT
from pelican import Pelican
from pelican.settings import read_settings


def build_site(articles: list[Path], workdir: Path, config: Path = ROOT / "pelican.conf.py",
               override: dict | None = None) -> Path:
    """Copy posts (and the about page) into workdir/content, build, return the output folder."""
    content = workdir / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    for post in articles:
        target = content / "articles" / post.name
        # Copied only when it changed, with its time: a rebuild sees unchanged
        # posts as unchanged, as Pelican's reader cache does in `make html`.
        if not target.exists() or target.read_bytes() != post.read_bytes():
            shutil.copy2(post, target)
    return build_content(workdir, config, override)


def build_tree(tree: Path, workdir: Path) -> Path:
    """Copy a folder of posts, sub-folders and all, into workdir/content/articles; build."""
    shutil.copytree(tree, workdir / "content" / "articles", dirs_exist_ok=True)
    return build_content(workdir)


def site_settings(workdir: Path, config: Path = ROOT / "pelican.conf.py", override: dict | None = None) -> dict:
    """The project's settings for a site in workdir (content/, output/, cache/), no content cache."""
    return read_settings(
        str(config),
        override={
            "PATH": str(workdir / "content"),
            "OUTPUT_PATH": str(workdir / "output"),
            "CACHE_PATH": str(workdir / "cache"),
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            **(override or {}),
        },
    )


def build_content(workdir: Path, config: Path = ROOT / "pelican.conf.py", override: dict | None = None) -> Path:
    """Build workdir/content (with the about page) into workdir/output."""
    content = workdir / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages", dirs_exist_ok=True)
    logging.getLogger("pelican").setLevel(logging.ERROR)
    Pelican(site_settings(workdir, config, override)).run()
    return workdir / "output"
