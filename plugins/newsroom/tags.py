"""Each story's tags grouped by kind (Places, People, Organisations), from the
converter's metadata, and the site's tags counted per kind for the tags index.

The kinds and their labels come from the TAG_KINDS setting, which pelican.conf.py
reads from the converter's own table (scripts/ingest/data/tag_kinds.toml).
"""

from __future__ import annotations

from collections import Counter

from pelican.urlwrappers import Tag


def _names(value) -> list[str]:
    return [name for name in map(str.strip, str(value or "").split(",")) if name]


def group_tags(generator) -> None:
    """`tag_groups` on every story (plural label, tags); in the context,
    `TAG_KIND` (tag name -> singular label) and `TAGS_BY_KIND` (plural label,
    [(tag, count)]), the kinds in the table's order, then tags of no kind."""
    table = generator.settings["TAG_KINDS"]
    kinds, other = table["kind"], table["other"]
    kind_of: dict[str, dict] = {}
    for article in generator.articles:
        groups = []
        # A Places line may spell a tag as the story did, not as the site shows it (names.py):
        # looked up by name first, by slug when the spelling differs.
        by_name = {tag.name: tag for tag in getattr(article, "tags", [])}
        by_slug = {tag.slug: tag for tag in by_name.values()}
        for kind in kinds:
            found = [by_name.get(name) or by_slug.get(Tag(name, generator.settings).slug)
                     for name in _names(getattr(article, kind["key"].lower(), ""))]
            tags = list({id(tag): tag for tag in found if tag is not None}.values())
            for tag in tags:
                kind_of.setdefault(tag.name, kind)
            if tags:
                groups.append((kind["plural"], tags))
        article.tag_groups = groups
    counts = Counter()
    for tag, articles in generator.tags.items():
        counts[tag] = len(articles)
    by_kind = []
    for kind in (*kinds, other):
        tags = [tag for tag in counts if kind_of.get(tag.name, other) is kind]
        tags.sort(key=lambda tag: (-counts[tag], tag.name))
        if tags:
            by_kind.append((kind["plural"], [(tag, counts[tag]) for tag in tags]))
    generator.context["TAG_KIND"] = {name: kind["singular"] for name, kind in kind_of.items()}
    generator.context["TAGS_BY_KIND"] = by_kind
