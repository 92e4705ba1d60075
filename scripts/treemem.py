"""Peak memory of a process and all its descendants, sampled while it runs.

`wait4`'s `ru_maxrss` names the largest single process of a tree, so a build
that forks workers (Pelican's parallel readers, Pagefind's bundles, the
converter's pool) uses more than it says. `TreeMemory` walks the tree every
~50 ms (`/proc/PID/task/*/children`) and sums each process's proportional set
size (`Pss:` in `/proc/PID/smaps_rollup`): a page shared by N processes after a
fork counts 1/N in each, so the sum is what the tree holds, where a sum of RSS
would count a forked worker's copy-on-write view of its parent's heap twice.

Reading `smaps_rollup` walks the process's page tables (about 12 ms per GB
here), so the sampler paces itself to spend at most `budget` of one core:
every 50 ms for a small tree, every ~0.5 s for a tree of gigabytes, where
memory moves slowly compared with the sampling. Linux only: elsewhere, or
where smaps_rollup is missing (kernels before 4.14), the peak is None.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

PROC = Path("/proc")


def descendants(pid: int) -> list[int]:
    """`pid` and every process under it, from the kernel's per-thread child lists."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            tasks = list((PROC / str(current) / "task").iterdir())
        except OSError:  # gone since its parent listed it
            continue
        for task in tasks:
            try:
                pending += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def pss_kb(pid: int) -> int:
    """The process's proportional set size in kB; 0 for a process already gone."""
    try:
        with open(PROC / str(pid) / "smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_kb(pid: int) -> int:
    return sum(pss_kb(member) for member in descendants(pid))


def supported() -> bool:
    return (PROC / "self" / "smaps_rollup").is_file() and (PROC / "self" / "task").is_dir()


class TreeMemory(threading.Thread):
    """Samples a process tree until `stop()`; `peak_mb` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.05, budget: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.budget = pid, interval, budget
        self.peak_kb, self.samples = 0, 0
        self._done = threading.Event()
        self.enabled = supported()

    def run(self) -> None:
        while self.enabled and not self._done.is_set():
            start = time.perf_counter()
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))
            self.samples += 1
            cost = time.perf_counter() - start
            self._done.wait(max(self.interval - cost, cost / self.budget - cost))

    def stop(self) -> float | None:
        """Stop sampling; the tree's peak in MB, or None where it cannot be measured."""
        self._done.set()
        if self.is_alive():
            self.join()
        return self.peak_kb / 1024 if self.enabled and self.samples else None
