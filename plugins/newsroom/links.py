"""`{filename}` links written for a flat content folder still resolve.

Pelican resolves `{filename}/x.md` from the content folder's root. Here posts
live in ARTICLE_PATHS (content/articles/) and pages in PAGE_PATHS, so a post
brought from a site whose posts sat at the root links to `{filename}/x.md`
where the file is now articles/x.md, and Pelican leaves the link broken.
Once every source is read, each one in an article or page folder is also
known by its name within that folder, unless a source already has that
name: such a link resolves as it did on the old site, and a file that is at
the root still wins. Only the lookup table gains names; no page changes
address.
"""

from __future__ import annotations


def moved_source_names(generated: dict, folders: list[str]) -> dict:
    """Names within `folders` of the sources in `generated`, each not taken already."""
    aliases: dict = {}
    for folder in folders:
        prefix = folder.strip("/") + "/"
        for path, content in generated.items():
            name = path[len(prefix):]
            if path.startswith(prefix) and name not in generated and name not in aliases:
                aliases[name] = content
    return aliases


def resolve_moved_sources(generators) -> None:
    context, settings = generators[0].context, generators[0].settings
    generated = context.get("generated_content", {})
    generated.update(moved_source_names(generated, [*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"]]))
