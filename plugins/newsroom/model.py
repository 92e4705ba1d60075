"""The build model (scripts/buildmodel.py), shared by the scripts and this plugin.

Loaded from its file: Pelican runs with the project's folder on sys.path,
not scripts/, and the module needs nothing but the standard library.
"""

from __future__ import annotations

import importlib.util
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
