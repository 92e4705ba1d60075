"""Names that differ only in case or accents are one outlet, one desk, one topic.

`Source: Reuters` and `Source: REUTERS`, `Tags: Sao Paulo` and `Tags: São
Paulo` share an address (the slug drops case and accents), so they are one
page, and every story shows one name for it: the spelling most stories use,
ties going to the story first by file name. Deterministic, whatever order
the posts were read in.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from pelican.utils import slugify

from .left_out import WRITTEN_LISTS


def chosen_names(spellings: list[tuple[str, str]]) -> dict[str, str]:
    """{key: name} from (key, name) pairs in file-name order: the most used
    spelling of each key, ties to the first seen."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for key, name in spellings:
        counts[key][name] += 1  # Counter keeps first-seen order among equal counts
    return {key: names.most_common(1)[0][0] for key, names in counts.items()}


def _stories(generator) -> list:
    stories = [story for name in WRITTEN_LISTS for story in getattr(generator, name, [])]
    return sorted(stories, key=lambda story: story.source_path)


def _one_wrapper_each(stories: list, attribute: str) -> None:
    """Every story's Tag (or Category) objects replaced by one object per slug."""
    def wrappers(story):
        value = getattr(story, attribute, None)
        return [] if value is None else (value if isinstance(value, list) else [value])

    first: dict[str, object] = {}
    for story in stories:
        for wrapper in wrappers(story):
            first.setdefault(wrapper.slug, wrapper)
    names = chosen_names([(wrapper.slug, wrapper.name) for story in stories for wrapper in wrappers(story)])
    shared = {}
    for slug, wrapper in first.items():
        shared[slug] = type(wrapper)(names[slug], wrapper.settings)
    for story in stories:
        value = getattr(story, attribute, None)
        if isinstance(value, list):
            one = list({wrapper.slug: shared[wrapper.slug] for wrapper in value}.values())
            setattr(story, attribute, one)
            story.metadata[attribute] = one
        elif value is not None:
            setattr(story, attribute, shared[value.slug])
            story.metadata[attribute] = shared[value.slug]


def _one_source_name(stories: list, settings: dict) -> None:
    subs = settings["SLUG_REGEX_SUBSTITUTIONS"]
    named = [story for story in stories if getattr(story, "source", "")]
    slugs: dict[str, str] = {}
    for story in named:
        if story.source not in slugs:
            slugs[story.source] = slugify(story.source, regex_subs=subs)
    keys = {id(story): slugs[story.source] for story in named}
    names = chosen_names([(keys[id(story)], story.source) for story in named])
    for story in named:
        story.source = story.metadata["source"] = names[keys[id(story)]]


def one_name_each(generator) -> None:
    """article_generator_pretaxonomy: before Pelican files stories by desk and topic."""
    stories = _stories(generator)
    _one_wrapper_each(stories, "tags")
    _one_wrapper_each(stories, "category")
    _one_source_name(stories, generator.settings)
