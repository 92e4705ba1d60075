"""A scratch copy of the project, driven with the README's real `make` targets."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import buildmodel
from conftest import ROOT

# Fixed dates and wide log lines: Pelican's console wraps at 80 columns when piped.
MAKE_ENV = {"SOURCE_DATE_EPOCH": "1767225600", "COLUMNS": "500"}


def project_copy(where: Path) -> Path:
    """The project's files (tracked, or new and not ignored) with this checkout's .venv."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source, target = ROOT / name, where / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)  # times kept: make sees the shared .venv as up to date
    (where / ".venv").symlink_to(ROOT / ".venv")
    return where


def make_command(*targets: str) -> list[str]:
    return ["make", "-s", *targets]


def make(project: Path, *targets: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(make_command(*targets), cwd=project, capture_output=True, text=True,
                          env={**os.environ, **MAKE_ENV, **env})


def ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]
    return done


def next_day(project: Path) -> None:
    """An input touched, its text unchanged, and the up-to-date stamps forgotten: `make
    html` builds again (scripts/build_site.py skips a build when no input's content
    changed) and must end where a clean build would."""
    about = project / "content/pages/about.md"
    stat = about.stat()
    os.utime(about, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    buildmodel.forget(project / buildmodel.MODEL, "stamp")
