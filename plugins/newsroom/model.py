"""The build model (scripts/buildmodel.py), shared by the scripts and this plugin.

Loaded from its file: Pelican runs with the project's folder on sys.path,
not scripts/, and the module needs nothing but the standard library.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

_FILE = Path(__file__).resolve().parents[2] / "scripts" / "buildmodel.py"


def _load():
    module = sys.modules.get("buildmodel")
    if module is None:
        spec = importlib.util.spec_from_file_location("buildmodel", _FILE)
        module = importlib.util.module_from_spec(spec)
        sys.modules["buildmodel"] = module
        spec.loader.exec_module(module)
    return module


buildmodel = _load()


class SourceHashes:
    """The content hash of each source file, as the build model knows it
    (build_site.py hashes every post before Pelican starts): a file whose size,
    times or inode differ from what the model saw is read and hashed here.
    Sources are named in the model relative to the project (the model's
    folder's parent); Pelican names them by absolute path.

    One per model and build (`of`): the readers' caches and the writer share
    it, and at 100,000 stories each copy holds 100,000 entries."""

    _built: dict = {}

    @classmethod
    def of(cls, model: Path) -> SourceHashes:
        if model not in cls._built:
            cls._built[model] = cls(model)
        return cls._built[model]

    def __init__(self, model: Path):
        self.known = buildmodel.known_hashes(model, "content/")
        self.root = os.path.join(os.path.abspath(model.parent.parent), "")

    def __call__(self, path: str) -> str:
        stat = os.stat(path)
        absolute = os.path.abspath(path)
        name = absolute[len(self.root):] if absolute.startswith(self.root) else absolute
        return buildmodel.hash_if_known(self.known, name, stat) or buildmodel.sha256_of(path)


def forget_source_hashes(*_) -> None:
    """At the start of each build (an editor's devserver, the tests): the model has moved on."""
    SourceHashes._built.clear()
