"""The curated data files under `data/`, loaded once per process.

Editors extend these files, not the code: places with their desks and
demonyms, organisations, people's spellings, titles, noise and desks.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str  # "Places", "People" or "Organizations"
    desk: str | None = None


def _rows(filename: str) -> list[list[str]]:
    """Non-comment lines of a tab-separated data file, split into fields."""
    text = (DATA_DIR / filename).read_text(encoding="utf-8")
    return [
        line.split("\t")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _words(filename: str) -> frozenset[str]:
    return frozenset(row[0].strip() for row in _rows(filename))


@cache
def known_entities() -> dict[str, Entity]:
    """Every alias (as written in text) mapped to the entity it names."""
    aliases: dict[str, Entity] = {}
    for name, desk, *rest in _rows("places.tsv"):
        entity = Entity(name, "Places", desk)
        for alias in [name, *(rest[0].split("|") if rest else [])]:
            aliases[alias] = entity
    for kind, filename in (("Organizations", "organizations.tsv"), ("People", "people.tsv")):
        for name, *rest in _rows(filename):
            entity = Entity(name, kind)
            for alias in [name, *(rest[0].split("|") if rest else [])]:
                aliases[alias] = entity
    return aliases


@cache
def org_suffixes() -> frozenset[str]:
    return _words("org_suffixes.txt")


@cache
def person_titles() -> frozenset[str]:
    return frozenset(word.casefold() for word in _words("person_titles.txt"))


@cache
def not_name_words() -> frozenset[str]:
    return frozenset(word.casefold() for word in _words("not_name_words.txt"))


@cache
def noise_lines() -> frozenset[str]:
    return frozenset(word.casefold() for word in _words("noise.txt"))


@cache
def tag_kinds() -> tuple[str, ...]:
    """The kinds of tags, as the post headers name them (tag_kinds.toml)."""
    config = tomllib.loads((DATA_DIR / "tag_kinds.toml").read_text(encoding="utf-8"))
    return tuple(kind["key"] for kind in config["kind"])


@cache
def desks() -> tuple[tuple[str, ...], str]:
    """The configured desks and the fallback desk for stories with no known place."""
    config = tomllib.loads((DATA_DIR / "desks.toml").read_text(encoding="utf-8"))
    return tuple(config["desks"]), config["fallback"]
