"""Related stories: the ones sharing most tags with a story, from around its time."""

from __future__ import annotations

import heapq
from collections import Counter

RELATED_WINDOW = 6  # stories on each side of a story, in each of its tags' timelines


def relate_stories(generator) -> None:
    """`article.related_posts`: the stories sharing most tags with it, from around its time.

    Candidates are the stories next to it in each of its tags' timelines, so
    the work stays linear in the archive (pelican-related-posts counts every
    story of every shared tag: minutes at tens of thousands). Ties go to the
    story closest in time, then to the source path, so builds are repeatable.
    Stories are numbered once, so the counting runs over integers.
    """
    limit = generator.settings.get("RELATED_POSTS_MAX", 4)
    articles = generator.articles
    number = {id(article): n for n, article in enumerate(articles)}
    when = [article.date.timestamp() for article in articles]
    paths = [article.source_path or "" for article in articles]
    candidates: list[list[int]] = [[] for _ in articles]
    for timeline in generator.tags.values():
        numbers = [number[id(article)] for article in timeline if id(article) in number]
        for index, story in enumerate(numbers):
            candidates[story] += numbers[max(0, index - RELATED_WINDOW) : index]
            candidates[story] += numbers[index + 1 : index + 1 + RELATED_WINDOW]
    for story, article in enumerate(articles):
        now = when[story]
        ranked = [(-count, abs(when[other] - now), paths[other], other)
                  for other, count in Counter(candidates[story]).items()]
        article.related_posts = [articles[other] for *_, other in heapq.nsmallest(limit, ranked)]
