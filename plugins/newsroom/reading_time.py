"""Reading time, estimated once per story."""

from __future__ import annotations

import math

WORDS_PER_MINUTE = 230


def time_reading(generator) -> None:
    """`reading_minutes` on every story."""
    for article in generator.articles:
        words = len(article._content.split()) if article._content else 0
        article.reading_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))
