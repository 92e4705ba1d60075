"""Decide what each post means for the folder of posts, then write atomically.

A post's file name is `DATE-SLUG.md`, built from its date and headline: the
same story found again has the same name. `plan_writes` compares every post
with what is on disk and returns a plan; only `write_plan` touches files.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .enrich import Post
from .render import is_hand_edited, render_post, without_modified

_SLUG_LINE = re.compile(r"^Slug: *(.+?) *$", re.MULTILINE)

# What happened to each post; the summary line counts them in this order.
OUTCOMES = ("new", "updated", "unchanged", "duplicate", "kept", "rejected")


@dataclass(frozen=True)
class Planned:
    outcome: str
    path: Path
    text: str | None  # what to write, for "new" and "updated"
    post: Post
    note: str = ""


@dataclass(frozen=True)
class OnDisk:
    text: str
    slug: str | None


def post_filename(post: Post) -> str:
    return f"{post.date.isoformat()}-{post.slug}.md"


def read_posts(folder: Path) -> dict[str, OnDisk]:
    """The posts already in `folder`, by file name."""
    posts = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")
            match = _SLUG_LINE.search(text.partition("\n\n")[0])
            posts[path.name] = OnDisk(text, match.group(1) if match else None)
    return posts


def _render(post: Post, slug: str, modified: date | None = None) -> str:
    """The post's text, reusing the rendering done in the worker when it still fits."""
    if post.markdown and slug == post.slug and modified is None:
        return post.markdown
    return render_post(post, slug, modified)


def _free_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... the first that no other story uses."""
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def plan_writes(
    posts: list[Post],
    folder: Path,
    on_disk: dict[str, OnDisk],
    today: date,
    force: bool = False,
) -> list[Planned]:
    """One Planned per post, in input order; pure given `on_disk`."""
    taken = {existing.slug for existing in on_disk.values() if existing.slug}
    planned: list[Planned] = []
    first_seen: dict[str, Post] = {}
    for post in posts:
        name = post_filename(post)
        path = folder / name
        if name in first_seen:
            earlier = first_seen[name]
            planned.append(
                Planned("duplicate", path, None, post, f"same story as {earlier.source}:{earlier.line}")
            )
            continue
        first_seen[name] = post
        existing = on_disk.get(name)
        if existing is None:
            slug = _free_slug(post.slug, taken)
            taken.add(slug)
            planned.append(Planned("new", path, _render(post, slug), post))
            continue
        slug = existing.slug or post.slug
        fresh = _render(post, slug)
        if is_hand_edited(existing.text) and not force:
            planned.append(Planned("kept", path, None, post, "edited by hand; --force replaces it"))
        elif without_modified(existing.text) == without_modified(fresh):
            planned.append(Planned("unchanged", path, None, post))
        else:
            planned.append(Planned("updated", path, render_post(post, slug, today), post))
    return planned


def write_posts(posts: list[tuple[Path, str]]) -> list[tuple[Path, OSError]]:
    """Write every post atomically; return the ones that failed, with why.

    Each post goes to a temporary file beside its target; one `os.sync()`
    flushes them all to disk; only then is each renamed into place. A kill
    at any moment leaves every post either as it was or as it is now, never
    half-written, and one sync for the batch costs far less than one per file.
    """
    staged: list[tuple[Path, str]] = []
    failed: list[tuple[Path, OSError]] = []
    renamed = 0
    folders: set[Path] = set()
    try:
        for path, text in posts:
            try:
                if path.parent not in folders:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(path.parent)
                handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                with open(handle, "wb") as stream:
                    stream.write(text.encode("utf-8"))
                staged.append((path, temporary))
            except OSError as error:
                failed.append((path, error))
        if staged:
            os.sync()
        for path, temporary in staged:
            os.replace(temporary, path)
            renamed += 1
    finally:
        for _, temporary in staged[renamed:]:
            Path(temporary).unlink(missing_ok=True)
    return failed
