"""The theme's CSS and JavaScript under names that change with their bytes.

A host can then keep them for a year (scripts/deploy.py sends them with
`immutable`), and a new stylesheet reaches every reader with the pages that
name it. Templates write `{{ 'css/site.css'|asset }}`; the file is written
beside Pelican's copy of the theme as `theme/css/site.<hash>.css`, and older
hashed copies are removed.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from .files import write_atomically

DIGITS = 10
FINGERPRINTED = (".css", ".js")
_HASHED = re.compile(rf"\.[0-9a-f]{{{DIGITS}}}$")


def hashed_name(name: str, data: bytes) -> str:
    """site.css -> site.<first 10 hex digits of the bytes' SHA-256>.css"""
    stem, suffix = posixpath.splitext(name)
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:DIGITS]}{suffix}"


class ThemeAssets:
    """The theme's stylesheets and scripts, each with its content-hashed name."""

    def __init__(self, theme: str, static_dir: str):
        self.static = Path(theme) / "static"
        self.static_dir = static_dir
        self.refresh()

    def refresh(self) -> None:
        """Hash the files again: once per build, before pages are rendered
        (`make devserver` builds many times with one plugin instance)."""
        self.names = {
            path.relative_to(self.static).as_posix(): hashed_name(path.name, path.read_bytes())
            for path in sorted(self.static.rglob("*")) if path.suffix in FINGERPRINTED and path.is_file()
        }

    def url(self, relative: str) -> str:
        """The site path of a theme file under its hashed name."""
        folder = posixpath.dirname(relative)
        return posixpath.join(self.static_dir, folder, self.names[relative])

    def write(self, output: Path) -> None:
        """Every stylesheet and script under its hashed name (whether or not this
        build rendered a page naming it); stale hashed copies removed."""
        for relative, hashed in self.names.items():
            source = self.static / relative
            target = (output / self.static_dir / relative).with_name(hashed)
            data = source.read_bytes()
            if not (target.is_file() and target.read_bytes() == data):
                write_atomically(target, data)
            for old in target.parent.glob(f"{source.stem}.*{source.suffix}"):
                if old != target and _HASHED.search(old.stem):
                    old.unlink()


_ASSETS: list[ThemeAssets] = []


def add_asset_filter(pelican_object) -> None:
    settings = pelican_object.settings
    assets = ThemeAssets(settings["THEME"], settings.get("THEME_STATIC_DIR", "theme"))
    _ASSETS[:] = [assets]
    settings.setdefault("JINJA_FILTERS", {})["asset"] = assets.url


def refresh_assets(generators) -> None:
    for assets in _ASSETS:
        assets.refresh()


def write_assets(pelican_object) -> None:
    for assets in _ASSETS:
        assets.write(Path(pelican_object.settings["OUTPUT_PATH"]))
