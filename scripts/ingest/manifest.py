"""Which inputs this converter has already converted, byte for byte.

An editor's daily `make html` converts the whole of content/raw again:
thousands of dumps whose posts are all "unchanged". The manifest records,
for each local input converted without an error, a hash of its bytes, the
options it was converted with, the converter's own version, and the
stories it brought. An input is skipped when all of these still hold and
every one of its stories is still in `imported.tsv` or `removed.tsv`; so
an edited dump, a converter change, `--force`, `--date`, `--source`, or
deleting the posts together with `imported.tsv` (a full re-import) all
convert it again. A missing or unreadable manifest only costs time.

It also keeps, for each post in the output folder, its size, time and the
header fields that place it (Slug, Story, Date, Date-Given), so planning a
new story reads only the posts the plan needs, not the whole archive
(store.read_posts).

The manifest is the converter's rows in the build model (buildmodel.py,
cache/build.db for `make html`), written in one transaction.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import buildmodel

FORMAT = 2  # 2: in the build model
INPUTS, POSTS, HEADER = "converted", "post", "converter"  # the model's rows
_as_read: dict[str, tuple[dict, dict]] = {}  # model -> its rows as load() found them: save() writes the difference
_CONVERTER = Path(__file__).resolve().parent


def converter_version() -> str:
    """A hash of the converter's code and data: a new converter converts everything again."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted([*_CONVERTER.rglob("*.py"), *_CONVERTER.rglob("*.toml"), *_CONVERTER.rglob("*.txt"),
                        _CONVERTER.parent / "convert_articles.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Seen:
    """What the manifest knows of one input file."""

    size: int
    mtime_ns: int
    sha256: str
    options: str
    stories: tuple[str, ...]


def load(path: Path | None, version: str) -> tuple[dict[str, Seen], dict[str, list]]:
    """The inputs converted before, and the posts' records (store.read_posts
    checks each against its file); nothing when another converter wrote them."""
    if path is None or buildmodel.read(path, HEADER).get("converter") != {"format": FORMAT, "version": version}:
        return {}, {}
    inputs, stored = {}, buildmodel.read(path, INPUTS)
    posts = buildmodel.read(path, POSTS)
    _as_read[str(path)] = (stored, dict(posts))
    for name, entry in stored.items():
        try:
            inputs[name] = Seen(entry["size"], entry["mtime_ns"], entry["sha256"], entry["options"],
                                tuple(entry["stories"]))
        except (KeyError, TypeError):
            continue
    return inputs, posts


def unchanged(item: str, seen: Seen | None, options: str, listed) -> Seen | None:
    """The record of `item` when it was converted as it is now, with these
    options, and all its stories are still listed; None when it must be converted."""
    if seen is None or seen.options != options or not all(story in listed for story in seen.stories):
        return None
    try:
        stat = os.stat(item)
    except OSError:
        return None
    if (stat.st_size, stat.st_mtime_ns) == (seen.size, seen.mtime_ns):
        return seen
    if stat.st_size == seen.size and buildmodel.sha256_of(item) == seen.sha256:  # touched, not changed
        return Seen(stat.st_size, stat.st_mtime_ns, seen.sha256, options, seen.stories)
    return None


def record(item: str, options: str, stories: list[str]) -> Seen | None:
    """The record for an input just converted, or None for one that is not a local file."""
    try:
        stat = os.stat(item)
        sha256 = buildmodel.sha256_of(item)
    except OSError:
        return None
    return Seen(stat.st_size, stat.st_mtime_ns, sha256, options, tuple(stories))


def save(path: Path, version: str, inputs: dict[str, Seen], posts: dict[str, list] | None = None) -> None:
    """In one transaction: a killed run leaves the old manifest."""
    rows = {name: {"size": seen.size, "mtime_ns": seen.mtime_ns, "sha256": seen.sha256,
                   "options": seen.options, "stories": list(seen.stories)}
            for name, seen in inputs.items()}
    stored_inputs, stored_posts = _as_read.pop(str(path), (None, None))
    buildmodel.write(path, (HEADER, "", {"converter": {"format": FORMAT, "version": version}}, None),
                     (INPUTS, "", rows, stored_inputs), (POSTS, "", dict(posts or {}), stored_posts))
