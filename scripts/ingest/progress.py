"""Progress bars for the scripts' long stages (converting, indexing, hashing, uploading), on a terminal only.

A bar goes to stderr only when stderr is a terminal and CI is not set, and
only for work big enough to be worth one: a log, a CI run and the tests'
captured output stay as they were. (plugins/newsroom/progress.py holds the
same rule for the site build: the plugin and the scripts do not import each other.)
tqdm's own TQDM_* variables still apply: TQDM_DISABLE=1 turns every bar off.
"""

from __future__ import annotations

import os
import sys

PROGRESS_THRESHOLD = 200  # files; below this a bar is only clutter
NOT_CI = frozenset({"", "0", "false", "no"})  # CI=false is not a CI run


def show_progress(count: int, threshold: int = PROGRESS_THRESHOLD) -> bool:
    """Whether a stage of `count` items earns a bar: enough of them, stderr a terminal, not CI."""
    return (count >= threshold and os.environ.get("CI", "").strip().lower() in NOT_CI
            and sys.stderr.isatty())


def progress_bar(count: int, description: str, threshold: int = PROGRESS_THRESHOLD, items=None, **options):
    """A tqdm bar on stderr over `count` items (or `total=` in other units) when it is worth one, else None."""
    if not show_progress(count, threshold):
        return None
    from tqdm import tqdm

    return tqdm(items, desc=description, file=sys.stderr, dynamic_ncols=True,
                **{"total": count, "unit": "file", **options})


def progress(items, count: int, description: str, threshold: int = PROGRESS_THRESHOLD, **options):
    """`items`, counted by a bar when one is worth it (the same items, untouched, when not)."""
    bar = progress_bar(count, description, threshold, items, **options)
    return items if bar is None else bar


def above(bar, write):
    """`write` for lines said while `bar` is drawn: printed above the bar, not through it."""
    if bar is None:
        return write

    def write_above(*args, **kwargs):
        with bar.external_write_mode():
            write(*args, **kwargs)

    return write_above
