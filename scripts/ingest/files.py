"""Files written whole or not at all: posts, photos, story lists, manifests, stamps."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, data: str | bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place:
    a kill at any moment leaves the old file or the new one, never half of
    either. A temporary file that could not be written whole (a full disk) is
    removed at once; the OSError is the caller's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the site must be readable
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
