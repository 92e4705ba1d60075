"""Each story's tags grouped by kind (Places, People, Organisations), from the
converter's metadata, and the site's tags counted per kind for the tags index."""

from __future__ import annotations

from collections import Counter

TAG_KINDS = (("places", "Places"), ("people", "People"), ("organizations", "Organisations"))


def _names(value) -> list[str]:
    return [name for name in map(str.strip, str(value or "").split(",")) if name]


def group_tags(generator) -> None:
    """`tag_groups` on every story; `TAG_KIND` (tag name -> kind) and
    `TAGS_BY_KIND` in the context."""
    kind_of: dict[str, str] = {}
    for article in generator.articles:
        groups = []
        by_name = {tag.name: tag for tag in getattr(article, "tags", [])}
        for key, label in TAG_KINDS:
            tags = [by_name[name] for name in _names(getattr(article, key, "")) if name in by_name]
            for tag in tags:
                kind_of.setdefault(tag.name, label)
            if tags:
                groups.append((label, tags))
        article.tag_groups = groups
    counts = Counter()
    for tag, articles in generator.tags.items():
        counts[tag] = len(articles)
    by_kind = []
    for _, label in (*TAG_KINDS, (None, "Other")):
        tags = [tag for tag in counts if kind_of.get(tag.name, "Other") == label]
        tags.sort(key=lambda tag: (-counts[tag], tag.name))
        if tags:
            by_kind.append((label, [(tag, counts[tag]) for tag in tags]))
    generator.context["TAG_KIND"] = kind_of
    generator.context["TAGS_BY_KIND"] = by_kind
