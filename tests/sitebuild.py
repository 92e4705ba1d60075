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
    shutil.copytree(ROOT / "content" / "pages", content / "pages", dirs_exist_ok=True)
    output = workdir / "output"
    settings = read_settings(
        str(config),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(workdir / "cache"),
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            **(override or {}),
        },
    )
    logging.getLogger("pelican").setLevel(logging.ERROR)
    Pelican(settings).run()
    return output
