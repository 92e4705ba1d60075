"""The theme's CSS and JavaScript under names that change with their bytes.

A host can then keep them for a year (scripts/deploy.py sends them with
`immutable`), and a new stylesheet reaches every reader with the pages that
name it. Templates write `{{ 'css/site.css'|asset }}`; the file is written
beside Pelican's copy of the theme as `theme/css/site.<hash>.css`, and older
hashed copies are removed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .files import write_atomically

DIGITS = 10
FINGERPRINTED = (".css", ".js")
_HASHED = re.compile(rf"\.[0-9a-f]{{{DIGITS}}}$")


def hashed_name(relative: str, data: bytes) -> str:
    path = Path(relative)
    return path.with_name(f"{path.stem}.{hashlib.sha256(data).hexdigest()[:DIGITS]}{path.suffix}").as_posix()


class ThemeAssets:
    """The theme's static files by name, each with its content-hashed name."""

    def __init__(self, theme: str, static_dir: str):
        self.static = Path(theme) / "static"
        self.static_dir = static_dir
        self.names: dict[str, str] = {}

    def url(self, relative: str) -> str:
        """The site path of a theme file under its hashed name (read once per build)."""
        if relative not in self.names:
            self.names[relative] = hashed_name(relative, (self.static / relative).read_bytes())
        return f"{self.static_dir}/{self.names[relative]}"

    def write(self, output: Path) -> None:
        """Every stylesheet and script of the theme under its hashed name (whether
        or not this build rendered a page naming it); stale hashed copies removed."""
        for path in sorted(self.static.rglob("*")):
            if path.suffix not in FINGERPRINTED or not path.is_file():
                continue
            data = path.read_bytes()
            relative = path.relative_to(self.static).as_posix()
            target = output / self.static_dir / hashed_name(relative, data)
            if not (target.is_file() and target.read_bytes() == data):
                write_atomically(target, data)
            source = Path(relative)
            for old in target.parent.glob(f"{source.stem}.*{source.suffix}"):
                if old != target and _HASHED.search(old.stem):
                    old.unlink()


_ASSETS: list[ThemeAssets] = []


def add_asset_filter(pelican_object) -> None:
    settings = pelican_object.settings
    assets = ThemeAssets(settings["THEME"], settings.get("THEME_STATIC_DIR", "theme"))
    _ASSETS[:] = [assets]
    settings.setdefault("JINJA_FILTERS", {})["asset"] = assets.url


def write_assets(pelican_object) -> None:
    for assets in _ASSETS:
        assets.write(Path(pelican_object.settings["OUTPUT_PATH"]))
