"""Progress bars for the long stages of a build, on a terminal only.

A cold build of a large archive runs for minutes; a bar per stage (posts
converted, posts read, pages rendered) shows it is alive. A bar is shown
only when stderr and Pelican's console are a terminal and CI is not set,
and only for work big enough to be worth one: a log, a CI run and the
tests' captured output stay as they were. (scripts/ingest/progress.py holds
the same rule for the scripts: the plugin and the scripts do not import
each other.)

The bars are rich's, drawn on Pelican's own console, not tqdm's as in the
scripts: on a terminal Pelican spins "Generating..." with rich for the whole
build and redirects stderr meanwhile, so a tqdm bar would come out as one
line per refresh; a rich bar is drawn under the spinner (rich nests live
displays).
"""

from __future__ import annotations

import os
import sys

PROGRESS_THRESHOLD = 200  # items; below this a bar is only clutter
NOT_CI = frozenset({"", "0", "false", "no"})  # CI=false is not a CI run


def _console():
    from pelican.log import console

    return console


def on_terminal() -> bool:
    """Whether a bar may be drawn at all: stderr and Pelican's console are a terminal, and this is not CI."""
    return (os.environ.get("CI", "").strip().lower() in NOT_CI and sys.stderr.isatty()
            and _console().is_terminal)


def _progress_display():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}:"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[note]}"), console=_console())


class Stage:
    """A stage's count of items, shown as a bar once the stage is known to be big
    enough: at once when the estimate says so, else when the count gets there.
    The estimate is only that; the bar ends at the true count."""

    def __init__(self, description: str, estimate: int = 0, threshold: int = PROGRESS_THRESHOLD):
        self.description = description
        self.estimate, self.threshold = estimate, threshold
        self.allowed = on_terminal()
        self.count = 0
        self.display = self.task = None

    def advance(self, items: int = 1, note: str = "") -> None:
        self.count += items
        if self.display is None:
            if not self.allowed or max(self.count, self.estimate) < self.threshold:
                return
            self.display = _progress_display()
            self.display.start()
            self.task = self.display.add_task(self.description, note="",
                                              total=self.estimate if self.estimate >= self.count else None)
        total = self.display.tasks[0].total
        self.display.update(self.task, completed=self.count, note=note,
                            total=self.count if total is not None and self.count > total else total)

    def close(self, finished: bool = True) -> None:
        """Close the bar; a stage that finished ends at its true count, one cut short where it stopped."""
        if self.display is not None:
            if finished:
                self.display.update(self.task, total=self.count, completed=self.count)
            self.display.stop()
            self.display = None

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(finished=kind is None)
