"""The README tells the truth: every command, file and package it names exists."""

from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# Named but not shipped: examples of an editor's own files, and the list the
# converter starts at the first deletion.
NOT_SHIPPED = {"content/raw/ferry.txt", "content/raw/harbour.html", "content/raw/today.urls",
               "content/raw/gazette.rss", "content/articles/2025-04-08-some-story.md",
               "content/articles/removed.tsv"}


def test_every_make_target_the_readme_names_exists():
    named = set(re.findall(r"\bmake ([a-z]+)\b", README))
    targets = set(re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE))
    assert {"html", "test", "serve", "publish"} <= named
    assert sorted(named - targets) == []


def test_every_project_file_the_readme_names_exists():
    paths = set(re.findall(r"`((?:scripts|plugins|tests|theme|content|\.github)/[\w./-]+)`", README))
    paths |= {f"scripts/{p}" for p in re.findall(r"`(ingest/[\w.]+\.py)`", README)}
    assert len(paths) > 10
    assert sorted(p for p in paths - NOT_SHIPPED if not (ROOT / p).exists() and "<" not in p) == []


def test_every_package_the_readme_links_is_pinned():
    locks = (ROOT / "requirements").glob("*.txt")
    pinned = {line.split("==")[0].lower().replace("_", "-") for lock in locks
              for line in lock.read_text().splitlines() if "==" in line}
    linked = {name.lower().replace("_", "-") for name in re.findall(r"https://pypi\.org/project/([\w-]+)", README)}
    used = {name.lower().replace("_", "-") for name in re.findall(r"From PyPI: `([\w-]+)`", README)}
    assert linked | used
    assert sorted((linked | used) - pinned) == []
