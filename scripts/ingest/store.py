"""Decide what each post means for the folder of posts, then write atomically.

A story is known by its body: every post the converter writes carries a
`Story:` line, a hash of the body it was made from. So the same story found
again, under a corrected headline or another date, updates its post instead
of adding one; a different story under the same headline on the same day
becomes a second post (`-2`); and a post renamed by hand is still found.

The folder also holds two lists the converter keeps:

- `imported.tsv`: every story it has written a post for. A story listed
  there whose post is gone was deleted on purpose: it moves to
- `removed.tsv`: stories no import brings back. An editor undeletes one by
  deleting its line.

`plan_writes` compares every post with what is on disk and returns a plan;
only `write_files` and `apply_plan` (which writes the plan's photos, posts and both lists) touch files.
"""

from __future__ import annotations

import difflib
import heapq
import os
import re
import zlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from .enrich import Post
from .files import write_whole
from .render import is_hand_edited, modified_of, render_post, without_modified, without_pictures

_HEADER_LINE = re.compile(r"^(Slug|Story|Date|Date-Given): *(.*?) *$", re.MULTILINE)

# What happened to each post; the summary line counts them in this order.
OUTCOMES = ("new", "updated", "unchanged", "duplicate", "kept", "deleted", "failed", "rejected")
IMPORTED, REMOVED = "imported.tsv", "removed.tsv"
# Two bodies under one headline on one day are one story, corrected, when
# this share of their words lines up; below it they are two stories.
SAME_STORY_RATIO = 0.5
# The same wire story republished by another outlet, under another headline:
# bodies whose 5-word shingles mostly agree, a couple of days apart at most.
SKETCH_SIZE = 32
SHINGLE_WORDS = 5
SKETCH_WORDS = 150  # the story's opening: where republished copies agree, and cheap to read
NEAR_DUPLICATE_SHARE = 0.75  # of the smaller sketch
NEAR_DUPLICATE_DAYS = 2


@dataclass(frozen=True)
class Planned:
    outcome: str
    path: Path
    text: str | None  # what to write, for "new" and "updated"
    post: Post
    note: str = ""
    replaces: Path | None = None  # the story's old file, when its name changed


class OnDisk:
    """A post already on disk: the header fields that place it, and its text,
    read from the file only when the plan needs it (a story updated, a day
    near a new story's): planning one new story reads a few posts, not all."""

    __slots__ = ("slug", "story", "date", "date_given", "_path", "_text")

    def __init__(self, text: str | None, slug: str | None = None, story: str | None = None,
                 date: str | None = None, date_given: bool = False, path: Path | None = None):
        self._text, self._path = text, path
        self.slug, self.story, self.date, self.date_given = slug, story, date, date_given

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._path.read_text(encoding="utf-8", errors="replace")
        return self._text

    def fields(self) -> list:
        return [self.slug, self.story, self.date, self.date_given]


def post_filename(day: date, slug: str) -> str:
    return f"{day.isoformat()}-{slug}.md"


def parse_on_disk(text: str) -> OnDisk:
    header = dict(_HEADER_LINE.findall(text.partition("\n\n")[0]))
    return OnDisk(text, header.get("Slug") or None, header.get("Story") or None,
                  header.get("Date") or None, header.get("Date-Given") == "yes")


def read_posts(folder: Path, known: dict[str, list] | None = None) -> dict[str, OnDisk]:
    """The posts already in `folder`, by file name.

    `known` (file name -> [size, mtime_ns, inode, ctime_ns, slug, story, date,
    date_given], the manifest's record of the last run) spares reading a post
    whose file is the same: same size, times and inode (a change time cannot be
    set back, as `cp -p`, `touch -r` or `mv` over it set the others); its text is
    read only if the plan asks for it. It is brought up to date in place."""
    posts = {}
    known = {} if known is None else known
    if folder.is_dir():
        with os.scandir(folder) as entries:
            found = sorted((entry.name, entry) for entry in entries
                           if entry.name.endswith(".md") and not entry.name.startswith("."))
        for name, entry in found:
            if not entry.is_file():
                continue
            stat = entry.stat()
            same_file = [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]
            record = known.get(name)
            if isinstance(record, list) and len(record) == 8 and record[:4] == same_file:
                posts[name] = OnDisk(None, *record[4:], path=Path(entry.path))
            else:
                posts[name] = parse_on_disk(Path(entry.path).read_text(encoding="utf-8", errors="replace"))
                known[name] = [*same_file, *posts[name].fields()]
    for name in set(known) - set(posts):
        del known[name]
    return posts


def read_list(path: Path) -> dict[str, str]:
    """A story list: story id -> the rest of its line. `#` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return {}
    stories = {}
    for line in text.splitlines():
        story, _, rest = line.partition("\t")
        if story.strip() and not story.startswith("#"):
            stories[story.strip()] = rest
    return stories


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


def _body(text: str) -> str:
    return text.partition("\n\n")[2]


def same_story(old_text: str, new_text: str) -> bool:
    """Two posts under one name tell the same story when most of their words line up."""
    old, new = _body(old_text).split(), _body(new_text).split()
    return difflib.SequenceMatcher(None, old, new, autojunk=False).ratio() >= SAME_STORY_RATIO


def body_sketch(text: str) -> frozenset[int]:
    """A post's opening summed up in a few numbers (the smallest hashes of its
    5-word shingles): near-identical bodies share most of them. crc32, not
    hash(), so every worker process computes the same numbers."""
    words = _body(text).split()[:SKETCH_WORDS]
    shingles = {zlib.crc32(" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8"))
                for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    return frozenset(heapq.nsmallest(SKETCH_SIZE, shingles))


def near_duplicates(one: frozenset[int], other: frozenset[int]) -> bool:
    smaller = min(len(one), len(other))
    return smaller > 0 and len(one & other) >= NEAR_DUPLICATE_SHARE * smaller


class _Republished:
    """Finds an earlier post of the same story from another outlet: among this
    import's posts and those on disk, a few days either side."""

    def __init__(self, on_disk: dict[str, OnDisk]):
        self.on_disk = on_disk
        self.by_day: dict[date, list[tuple[str, frozenset[int]]]] = {}
        self.disk_days: set[date] = set()

    def _load_day(self, day: date) -> None:
        if day in self.disk_days:
            return
        self.disk_days.add(day)
        prefix = day.isoformat()
        for name, existing in self.on_disk.items():
            if name.startswith(prefix):
                self.by_day.setdefault(day, []).append((name, body_sketch(existing.text)))

    def earlier(self, post: Post, text: str) -> str | None:
        sketch = post.sketch or body_sketch(text)
        for offset in range(-NEAR_DUPLICATE_DAYS, NEAR_DUPLICATE_DAYS + 1):
            day = post.date + timedelta(days=offset)
            self._load_day(day)
            for name, other in self.by_day.get(day, []):
                if near_duplicates(sketch, other):
                    return name
        return None

    def add(self, post: Post, name: str, text: str) -> None:
        self.by_day.setdefault(post.date, []).append((name, post.sketch or body_sketch(text)))


NO_OUTLET = "no named outlet"


def _outlet(text: str) -> str:
    match = re.search(r"^Source: *(.+?) *$", text.partition("\n\n")[0], re.MULTILINE)
    return match.group(1) if match else NO_OUTLET


def plan_writes(
    posts: list[Post],
    folder: Path,
    on_disk: dict[str, OnDisk],
    today: date,
    force: bool = False,
    imported: dict[str, str] | None = None,
    removed: dict[str, str] | None = None,
) -> list[Planned]:
    """One Planned per post, in input order; pure given what is on disk."""
    imported, removed = imported or {}, removed or {}
    taken = {existing.slug for existing in on_disk.values() if existing.slug}
    by_story: dict[str, str] = {}
    for name, existing in on_disk.items():
        if existing.story:
            by_story.setdefault(existing.story, name)
    planned: list[Planned] = []
    first_seen: dict[str, Post] = {}
    claimed: set[str] = set()  # files already matched to a story of this import
    republished = _Republished(on_disk)
    written: dict[str, str] = {}  # this import's new posts: file name -> text
    for post in posts:
        if post.story in first_seen:
            earlier = first_seen[post.story]
            planned.append(Planned("duplicate", folder / post_filename(post.date, post.slug), None,
                                   post, f"same story as {earlier.source}:{earlier.line} "
                                         f"({earlier.outlet or NO_OUTLET}); this copy from "
                                         f"{post.outlet or NO_OUTLET}"))
            continue
        first_seen[post.story] = post
        if post.story in removed:
            planned.append(Planned("deleted", folder / post_filename(post.date, post.slug), None,
                                   post, f"listed in {REMOVED}; delete its line to bring it back"))
            continue
        name = by_story.get(post.story)
        if name is None and post.story in imported:
            planned.append(Planned("deleted", folder / imported[post.story].partition("\t")[0], None,
                                   post, f"its post was deleted; now listed in {REMOVED}"))
            continue
        if name is None:
            # A post of this name that tells the same story with a corrected
            # body, or an older post that carries no Story line.
            candidate = post_filename(post.date, post.slug)
            existing = on_disk.get(candidate)
            if (existing and candidate not in claimed and existing.story not in first_seen
                    and same_story(existing.text, _render(post, existing.slug or post.slug))):
                name = candidate
        if name is None:
            text = _render(post, post.slug)
            earlier = republished.earlier(post, text)
            if earlier in on_disk and earlier not in claimed and on_disk[earlier].story not in first_seen \
                    and _outlet(on_disk[earlier].text) == (post.outlet or NO_OUTLET):
                name = earlier  # the same outlet's story, its headline and words corrected
            elif earlier is not None:
                earlier_text = written.get(earlier) or on_disk[earlier].text
                planned.append(Planned("duplicate", folder / earlier, None, post,
                                       f"same story as {earlier} ({_outlet(earlier_text)}); "
                                       f"this copy from {post.outlet or NO_OUTLET}"))
                continue
        if name is None:
            slug = _free_slug(post.slug, taken)
            taken.add(slug)
            path = folder / post_filename(post.date, slug)
            text = text if slug == post.slug else _render(post, slug)
            planned.append(Planned("new", path, text, post))
            republished.add(post, path.name, text)
            written[path.name] = text
            continue
        claimed.add(name)
        planned.append(_plan_update(post, folder, name, on_disk[name], today, force))
    return planned


def _plan_update(post: Post, folder: Path, name: str, existing: OnDisk, today: date,
                 force: bool) -> Planned:
    """The story already has a post: keep its slug (its address), take the new
    headline and body, and the new date unless an editor gave the old one."""
    old_path = folder / name
    if existing.date_given and not post.date_given and existing.date:
        try:
            post = replace(post, date=date.fromisoformat(existing.date), date_given=True, markdown="")
        except ValueError:
            pass
    slug = existing.slug or post.slug
    path = folder / post_filename(post.date, slug)
    if is_hand_edited(existing.text) and not force:
        return Planned("kept", old_path, None, post, "edited by hand; --force replaces it")
    fresh = _render(post, slug)
    if path == old_path and without_modified(existing.text) == without_modified(fresh):
        return Planned("unchanged", path, None, post)
    moved = path != old_path
    if not moved and without_pictures(existing.text) == without_pictures(fresh):
        # Only its card or crops are new (a post converted before cards existed):
        # no "Updated" date for a story that did not change.
        return Planned("updated", path, render_post(post, slug, modified_of(existing.text)), post, "card added")
    if existing.story is None:
        # A post from before posts carried their Story line: given one now,
        # without an "Updated" date its readers would take for a correction.
        return Planned("updated", path, fresh, post, "Story line added", old_path if moved else None)
    return Planned("updated", path, render_post(post, slug, today), post,
                   f"moved from {name}" if moved else "", old_path if moved else None)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Temporary files a killed run of the converter left beside the posts
    (`.NAME.md.XXXX.tmp`) and their photos (`images/.NAME.webp.XXXX.tmp`)."""
    images = folder.parent / "images"
    stale = sorted(folder.glob(".*.md.*.tmp")) if folder.is_dir() else []
    stale += sorted(images.glob(".*.tmp")) if images.is_dir() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def write_files(files: list[tuple[Path, str | bytes]]) -> list[tuple[Path, OSError]]:
    """Write every file whole (files.write_whole); return the ones that failed, with why."""
    failed: list[tuple[Path, OSError]] = []
    for path, data in files:
        try:
            write_whole(path, data)
        except OSError as error:
            failed.append((path, error))
    return failed


def list_text(stories: dict[str, str], heading: str) -> str:
    lines = [f"# {heading}"] + [f"{story}\t{rest}" for story, rest in sorted(stories.items())]
    return "\n".join(lines) + "\n"


def updated_lists(planned: list[Planned], written: set[Path], imported: dict[str, str],
                  removed: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """`imported.tsv` and `removed.tsv` after this import: stories whose post
    was deleted move from the first to the second; posts written join the first."""
    imported, removed = dict(imported), dict(removed)
    stories_of: dict[str, set[str]] = {}
    for story, name in imported.items():
        stories_of.setdefault(name, set()).add(story)
    for item in planned:
        story = item.post.story
        if item.outcome == "deleted":
            if story in imported:
                removed[story] = f"{item.post.date.isoformat()}\t{item.post.title}"
                del imported[story]
            continue
        if item.outcome not in ("unchanged", "kept") and item.path not in written:
            continue
        if item.outcome not in ("new", "updated", "unchanged", "kept"):
            continue
        # A corrected body gives the story a new id: the old one names the same post.
        for name in {item.path.name, item.replaces.name if item.replaces else ""}:
            for old in stories_of.pop(name, set()):
                imported.pop(old, None)
        imported[story] = item.path.name
    return imported, removed


CARD_POOL_MIN = 64  # fewer cards than this are drawn faster than a pool starts


def write_photos(planned: list[Planned], root: Path) -> dict[Path, OSError]:
    """The photo files and cards of the posts about to be written, those not there
    yet; returns the posts whose pictures could not be written (they are not
    written either). Cards are drawn here, only for posts written, on every core
    when there are many (a first import of an archive)."""
    failed = {}
    cards = []
    for item in planned:
        photo, card = item.post.photo, item.post.card
        if item.text is None or not (photo or card):
            continue
        missing = [(root / name, data) for name, data in (photo.files if photo else ()) if not (root / name).exists()]
        errors = write_files(missing)
        if errors:
            failed[item.path] = errors[0][1]
        elif card and not (root / card.name).exists():
            cards.append((item.path, card))
    for path, error in zip((path for path, _ in cards), drawn_cards([card for _, card in cards], root), strict=True):
        if error is not None:
            failed[path] = error
    return failed


def draw_card_file(card, root: Path) -> OSError | None:
    """Draw one card and write it whole; the error, if the disk refused it."""
    errors = write_files([(root / name, data) for name, data in card.files])
    return errors[0][1] if errors else None


def drawn_cards(cards: list, root: Path) -> list[OSError | None]:
    """Each card drawn and written, in a pool of processes when there are many:
    the drawing is CPU-bound and the files are the workers' to write."""
    if len(cards) < CARD_POOL_MIN or (os.cpu_count() or 1) < 2:
        return [draw_card_file(card, root) for card in cards]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(mp_context=multiprocessing.get_context("fork")) as pool:
        chunk = max(1, len(cards) // ((os.cpu_count() or 2) * 8))
        return list(pool.map(draw_card_file, cards, [root] * len(cards), chunksize=chunk))


def apply_plan(planned: list[Planned], folder: Path, imported: dict[str, str],
               removed: dict[str, str]) -> tuple[dict[Path, OSError], list[tuple[Path, OSError]]]:
    """Write the plan's posts, remove the old files of stories that moved, then
    save both story lists. Returns the posts and the lists that could not be written."""
    failed = write_photos(planned, folder.parent)  # before the posts that show them
    to_write = [(item.path, item.text) for item in planned if item.text is not None and item.path not in failed]
    failed.update(write_files(to_write))
    for item in planned:
        if item.replaces and item.text is not None and item.path not in failed:
            item.replaces.unlink(missing_ok=True)
    written = {path for path, _ in to_write if path not in failed}
    imported, removed = updated_lists(planned, written, imported, removed)
    lists = [(folder / IMPORTED, list_text(
        imported, "Stories the converter has written a post for (kept by the converter)"))]
    if removed:
        lists.append((folder / REMOVED, list_text(
            removed, "Stories no import brings back; delete a line to undelete its story")))
    return failed, write_files([(path, text) for path, text in lists if _differs(path, text)])


def _differs(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") != text
    except OSError:
        return True
