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
import threading
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


def _quiet_console_locks() -> None:
    """In a forked worker: new locks for Pelican's rich console. Its spinner's
    thread may have held one at the fork, and is not in the worker to let go."""
    from pelican.log import console

    console._lock = threading.RLock()
    console._record_buffer_lock = threading.RLock()


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
    """Render one share; what the parent needs of it."""
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
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    status = 1
    try:  # the worker: never returns into Pelican, whatever happens
        os.close(read_end)
        _die_with(parent)
        _quiet_console_locks()
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
    writer.current.update(result["ledger"])
    SITEMAP.pages.update(result["sitemap"])
    writer.rendered += result["rendered"]
    writer.skipped += result["skipped"]


def on_every_core(original):
    def generate_output(self, writer):
        workers = render_workers(self.settings)
        if workers < 2 or not isinstance(writer, IncrementalWriter) or self.settings.get("WRITE_SELECTED"):
            return original(self, writer)
        done = RawArray("q", workers)  # pages each worker has finished, for the parent's bar
        shares = [Share(worker, workers, done) for worker in range(workers)]
        children = {share.worker: _fork_worker(self, writer, original, share) for share in shares[1:]}
        try:
            _merge(writer, _render_share(self, writer, original, shares[0]))
        finally:
            results = {worker: _collect(*child) for worker, child in children.items()}
        for worker, result in sorted(results.items()):
            if result is None:
                log.warning("newsroom: render worker %d of %d failed; its pages are rendered here", worker, workers)
                result = _render_share(self, writer, original, Share(worker, workers, done))
            _merge(writer, result)
        writer.end_shares()

    return generate_output


def render_on_every_core() -> None:
    register_patch(ArticlesGenerator, "generate_output", on_every_core)
