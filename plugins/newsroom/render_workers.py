"""Pages rendered on every core: the stories' pages, listings and feeds split
between forked workers once the context is built.

Pelican renders every page in one process. By the time it writes, the whole
site's context is in memory; fork shares it copy-on-write (spawn would build
it again), and each worker renders every Nth page or feed in the order
Pelican asks for them. That order is the same in every process (same
context, same hash seed), so the shares are disjoint and together the whole
site. A worker hands back what the parent must know of its pages: their
ledger entries (incremental.py) and sitemap rows. A worker that fails or
dies has its share rendered again by the parent, so a build is never short
of a page; an error in a template then surfaces there, as it would without
workers.

NEWSROOM_RENDER_WORKERS sets how many processes render (default: every core
this process may use; 1 renders in the parent alone, as Pelican does). The
patch is one of the speedups: NEWSROOM_SPEEDUPS = False renders as Pelican does.
"""

from __future__ import annotations

import ctypes
import logging
import os
import pickle
import signal
from multiprocessing.sharedctypes import RawArray

from pelican.generators import ArticlesGenerator

from .incremental import IncrementalWriter, Share
from .patching import register_patch
from .sitemap import SITEMAP

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def render_workers(settings) -> int:
    """How many processes render: the setting, else every core this process may use."""
    if not hasattr(os, "fork"):
        return 1
    wanted = settings.get("NEWSROOM_RENDER_WORKERS")
    if wanted is None:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, int(wanted))


def _console_locks() -> list:
    """The locks of Pelican's rich console and of its live displays (the
    "Generating..." spinner's refresh thread takes them many times a second)."""
    from pelican.log import console

    return [console._lock, *(live._lock for live in getattr(console, "_live_stack", []))]


def _fork_holding(locks: list) -> int:
    """fork() while holding `locks`, released on both sides: a worker never starts
    with a lock another thread held at the fork, and that thread is not there to let go."""
    for lock in locks:
        lock.acquire()
    try:
        return os.fork()
    finally:
        for lock in reversed(locks):
            lock.release()


def _plain_console() -> None:
    """In a worker: no live display (no thread here redraws it); lines go out plain."""
    from pelican.log import console

    getattr(console, "_live_stack", []).clear()


def _die_with(parent: int) -> None:
    """A worker dies with its parent (Linux), not write on unsupervised when the
    parent is killed outright; elsewhere it ends when it finds no one reads its result."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took
        os._exit(1)


def _render_share(generator, writer, original, share: Share) -> dict:
    """In a worker: render its share; what the parent needs of it."""
    ledger_before, sitemap_before = set(writer.current), set(SITEMAP.pages)
    rendered_before, skipped_before = writer.rendered, writer.skipped
    writer.share = share
    original(generator, writer)
    return {
        "ledger": {name: entry for name, entry in writer.current.items() if name not in ledger_before},
        "sitemap": {path: day for path, day in SITEMAP.pages.items() if path not in sitemap_before},
        "rendered": writer.rendered - rendered_before,
        "skipped": writer.skipped - skipped_before,
    }


def _fork_worker(generator, writer, original, share: Share) -> tuple[int, int]:
    """A forked process rendering `share`: (its pid, the read end of the pipe its result comes by)."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = _fork_holding(_console_locks())
    if pid:
        os.close(write_end)
        return pid, read_end
    status = 1
    try:  # the worker: never returns into Pelican, whatever happens
        os.close(read_end)
        _die_with(parent)
        _plain_console()
        data = pickle.dumps(_render_share(generator, writer, original, share))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # noqa: BLE001 - the parent renders this share again and reports any error
        pass
    finally:
        os._exit(status)


def _collect(pid: int, read_end: int) -> dict | None:
    """A worker's result, or None if it failed or died."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    return pickle.loads(data)


def _merge(writer, result: dict) -> None:
    """A worker's pages, as if this process had rendered them."""
    writer.current.update(result["ledger"])
    SITEMAP.pages.update(result["sitemap"])
    writer.rendered += result["rendered"]
    writer.skipped += result["skipped"]


def _booked(writer) -> tuple[set, set]:
    """The files Pelican counts as written (and overridden) so far."""
    return set(writer._written_files), set(writer._overridden_files)


def _set_booked(writer, booked: tuple[set, set]) -> None:
    writer._written_files, writer._overridden_files = set(booked[0]), set(booked[1])


def _render_again(generator, writer, original, share: Share) -> None:
    """A failed worker's share, rendered here. Every file of the site is booked
    already (each process books them all): walked again from the same start."""
    after = _booked(writer)
    _set_booked(writer, writer.booked_before_shares)
    share.done[share.worker] = 0
    writer.share = share
    original(generator, writer)
    _set_booked(writer, after)


def on_every_core(original):
    def generate_output(self, writer):
        workers = render_workers(self.settings)
        if workers < 2 or not isinstance(writer, IncrementalWriter) or self.settings.get("WRITE_SELECTED"):
            return original(self, writer)
        done = RawArray("q", workers)  # pages each worker has finished, for the parent's bar
        writer.booked_before_shares = _booked(writer)
        children = {worker: _fork_worker(self, writer, original, Share(worker, workers, done))
                    for worker in range(1, workers)}
        try:
            writer.share = Share(0, workers, done)
            original(self, writer)
        finally:
            results = {worker: _collect(*child) for worker, child in children.items()}
        for worker, result in sorted(results.items()):
            if result is None:
                log.warning("newsroom: render worker %d of %d failed; its pages are rendered here", worker, workers)
                _render_again(self, writer, original, Share(worker, workers, done))
            else:
                _merge(writer, result)
        writer.end_shares()

    return generate_output


def render_on_every_core() -> None:
    register_patch(ArticlesGenerator, "generate_output", on_every_core)
