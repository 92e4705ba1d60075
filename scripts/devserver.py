#!/usr/bin/env python3
"""Serve the site and build it again whenever one of its inputs changes.

    devserver.py [SETTINGS] [--output output] [--host 127.0.0.1] [--port 8000]   (in the project's folder)

Each build is `make html`'s own (scripts/build_site.py): under the build
lock, so a `make html` in another terminal waits for it and it waits for
that one; the converter, Pelican and Pagefind all run, and a change that
leaves the site's inputs as they were (the converter's own writes, a file
saved unchanged) builds nothing. The site is served as `make serve` serves
it (scripts/serve.py) while it builds; a build that fails prints its lines
and the server goes on serving output/ as that build left it. Ctrl-C stops.
"""

from __future__ import annotations

import argparse
import functools
import os
import queue
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import build_site
from serve import SiteHandler
from watchfiles import watch


def watch_inputs(root: Path, stop: threading.Event) -> queue.Queue:
    """A queue of change batches in what a build reads (what build_site.py fingerprints):
    the input folders, whole, and the settings files beside them. A file watched
    alone is lost when an editor saves it by renaming a new file over it, so the
    settings are watched through the project's folder, not deeper."""
    batches: queue.Queue = queue.Queue()
    folders = [root / name for name in build_site.INPUT_FOLDERS if (root / name).is_dir()]
    settings = {name for name in build_site.INPUT_FILES if "/" not in name}

    def feed(paths: list[Path], **options) -> None:
        for batch in watch(*paths, stop_event=stop, raise_interrupt=False, **options):
            batches.put(batch)

    watchers = [((folders,), {"recursive": True}),
                (([root],), {"recursive": False, "watch_filter": lambda _, path: Path(path).name in settings})]
    for args, options in watchers:
        threading.Thread(target=feed, args=args, kwargs=options, name="watch", daemon=True).start()
    return batches


def next_batch(batches: queue.Queue) -> set:
    """The next batch of changes, with any others already waiting."""
    changes = set(batches.get())
    while not batches.empty():
        changes |= batches.get_nowait()
    return changes


def changed_line(root: Path, changes: set[tuple[object, str]]) -> str:
    """'changed: content/articles/x.md (and 2 more); building', for a batch of changes."""
    names = sorted({os.path.relpath(path, root) for _, path in changes})
    more = f" (and {len(names) - 1} more)" if len(names) > 1 else ""
    return f"changed: {names[0]}{more}; building"


def build(settings: str, output: str) -> None:
    """One build; a failed one is said in one line and the next change builds again."""
    status = build_site.main([settings, "--output", output])
    if status == 0:
        print("built; watching for changes", flush=True)
    else:
        print(f"the build ended with status {status} (see above); still serving {output}/, "
              "watching for changes", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", nargs="?", default="pelican.conf.py", help="Pelican settings file")
    parser.add_argument("--output", default="output")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    root = Path.cwd()  # the project's folder, where make runs
    handler = functools.partial(SiteHandler, directory=str(root / args.output))
    try:
        server = ThreadingHTTPServer((args.host, args.port), handler)
    except OSError as error:
        print(f"error: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    threading.Thread(target=server.serve_forever, name="server", daemon=True).start()
    print(f"Serving {args.output} at http://{args.host}:{server.server_address[1]}/ (Ctrl-C stops)",
          flush=True)
    stop = threading.Event()
    try:
        batches = watch_inputs(root, stop)  # before the first build: a change saved during it builds again
        build(args.settings, args.output)
        while True:
            changes = next_batch(batches)
            if build_site.up_to_date(root, args.settings, args.output):
                continue  # the converter's own writes, or a file saved as it was
            print(changed_line(root, changes), flush=True)
            build(args.settings, args.output)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
