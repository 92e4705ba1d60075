"""`{filename}` links written for a flat content folder still resolve.

Pelican resolves `{filename}/x.md` from the content folder's root. Here posts
live in ARTICLE_PATHS (content/articles/) and pages in PAGE_PATHS, so a post
brought from a site whose posts sat at the root links to `{filename}/x.md`
where the file is now articles/x.md, and Pelican leaves the link broken.
Once every source is read, each one in an article or page folder is also
known by its name within that folder, unless a source Pelican read already
has that name, or two folders have it: such a link resolves as it did on
the old site, and a post or page that is at the root still wins. Only the lookup table gains names; no page changes
address.
"""

from __future__ import annotations


def moved_source_names(generated: dict, folders: list[str]) -> dict:
    """Names within `folders` of the sources in `generated`, each not taken already;
    a name found in two folders (articles/x.md and pages/x.md) is left out: which
    one the link meant is not ours to guess."""
    found: dict = {}
    for folder in folders:
        prefix = folder.strip("/") + "/"
        for path, content in generated.items():
            name = path[len(prefix):]
            if path.startswith(prefix) and name not in generated:
                found.setdefault(name, []).append(content)
    return {name: contents[0] for name, contents in found.items() if len(contents) == 1}


def resolve_moved_sources(generators) -> None:
    context, settings = generators[0].context, generators[0].settings
    generated = context.get("generated_content", {})
    generated.update(moved_source_names(generated, [*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"]]))
