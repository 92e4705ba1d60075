#!/usr/bin/env python3
"""Index a built site for search with Pagefind, replacing the old index whole.

    search_index.py OUTPUT

Pagefind writes its new fragments beside the old ones and never deletes
any, so a removed story's text would stay findable in `pagefind/`. The
index is written into a fresh folder and swapped in: a kill while indexing
leaves the last index as it was, and the next build starts the swap again.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

NEXT = ".pagefind-next"


def index_site(output: Path) -> int:
    fresh, live = output / NEXT, output / "pagefind"
    shutil.rmtree(fresh, ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(output),
                           "--output-subdir", NEXT, "--quiet"])
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        print(f"error: {output}: Pagefind failed (exit {done.returncode}); the old index is kept",
              file=sys.stderr)
        return done.returncode
    shutil.rmtree(live, ignore_errors=True)
    fresh.rename(live)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: search_index.py OUTPUT", file=sys.stderr)
        return 2
    return index_site(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
