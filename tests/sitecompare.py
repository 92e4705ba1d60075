"""Two built sites compared file by file: every file of both trees, whatever its folder is named.

(filecmp.dircmp skips folders named tags, RCS, CVS, __pycache__ and others
by default: the site's tags/ page was never compared.)
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

# Pagefind writes its filter and page-list files in hash-map order, which changes from
# one run to the next (and so do their content-hashed names): the same entries, shuffled.
SHUFFLED = re.compile(r".*\.(pf_filter|pf_meta)")


def search_bundle_contents(bundle: Path) -> dict:
    """A search bundle as a reader's search sees it: every file exactly, except the
    shuffled ones, compared as their sorted bytes, and the entry without their hashes."""
    contents = {}
    shuffled_names = [path.stem.encode() for path in bundle.glob("filter/*.pf_filter")]
    for path in sorted(bundle.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(bundle).as_posix()
        if SHUFFLED.fullmatch(path.name):
            data = gzip.decompress(path.read_bytes())
            for shuffled in shuffled_names:  # the page list names the filter files
                data = data.replace(shuffled, b"")
            contents.setdefault(path.parent.name + path.suffix, []).append(bytes(sorted(data)))
        elif path.name == "pagefind-entry.json":
            contents[name] = re.sub(r'"hash":"[^"]*"', "", path.read_text())
        else:
            contents[name] = path.read_bytes()
    return {key: sorted(value) if isinstance(value, list) else value for key, value in contents.items()}


def entries(root: Path) -> dict[str, str]:
    """Every file and folder under root (relative name -> "file" or "folder"), search bundles as one entry."""
    found = {}
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if parts[0] == "pagefind" and len(parts) >= 2 and (root / "pagefind" / parts[1]).is_dir():
            found["/".join(parts[:2])] = "bundle"
        else:
            found["/".join(parts)] = "folder" if path.is_dir() else "file"
    return found


def same_entry(left: Path, right: Path, kind: str) -> bool:
    if kind == "bundle":
        return search_bundle_contents(left) == search_bundle_contents(right)
    if kind == "file":
        return left.read_bytes() == right.read_bytes()
    return True


def differing_files(left: Path, right: Path) -> list[str]:
    """Names (relative, sorted) that are in one site only, of another kind, or not the same bytes."""
    ours, theirs = entries(left), entries(right)
    return sorted(name for name in ours.keys() | theirs.keys()
                  if ours.get(name) != theirs.get(name) or not same_entry(left / name, right / name, ours[name]))
