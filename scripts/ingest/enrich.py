"""Give a clean article its metadata: date, slug, desk, tags, summary."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from unidecode import unidecode

from . import data
from .clean import Article
from .dates import resolve_date
from .entities import Mentions, find_mentions, salient_entities

MAX_SUMMARY_CHARS = 300
MAX_SLUG_CHARS = 80
TAG_KINDS = data.tag_kinds()  # ("Places", "People", "Organizations")

_SENTENCE_END = re.compile(r"(?<=[.!?…])[”’\"')\]]*(?=\s)")


class RejectedArticle(Exception):
    """An article that cannot become a post; the message is one line."""


@dataclass(frozen=True)
class Post:
    """Everything a post file says, as plain text (not yet escaped)."""

    title: str
    date: date
    slug: str  # before de-duplication against other posts
    desk: str
    tags: tuple[tuple[str, str], ...]  # (name, kind), most salient first
    summary: str
    caption: str
    credit: str
    blocks: tuple  # clean.Block
    source: str
    line: int
    story: str = ""  # the story's identity: a hash of its body as imported
    outlet: str = ""  # the publication it comes from
    original_url: str = ""
    authors: tuple[str, ...] = ()
    lang: str = ""
    date_given: bool = False  # the date came from --date, not from the text
    image: str = ""  # where the lead photo comes from (a file or a URL)
    photo: object = None  # photos.Photo, made in the worker from `image`
    card: object = None  # cards.Card, drawn in the worker for a story without a photo
    markdown: str = ""  # the rendered post under its own slug, when already rendered
    sketch: frozenset = frozenset()  # store.body_sketch of `markdown`, made in the worker


# Pelican's SLUG_REGEX_SUBSTITUTIONS, applied as pelican.utils.slugify does
# (a test holds the two equal). Importing Pelican itself here would double the
# converter's start-up time.
_SLUG_RULES = [
    (re.compile(r"[^\w\s-]", re.IGNORECASE), ""),
    (re.compile(r"(?u)\A\s*", re.IGNORECASE), ""),
    (re.compile(r"(?u)\s*\Z", re.IGNORECASE), ""),
    (re.compile(r"[-\s]+", re.IGNORECASE), "-"),
]


def slugify(title: str) -> str:
    value = unidecode(unicodedata.normalize("NFKC", Markup(title).striptags()))
    for pattern, replacement in _SLUG_RULES:
        value = pattern.sub(replacement, value)
    return value.strip().lower()


def make_slug(title: str) -> str:
    """Pelican's own slug rules (`Yoon’s Successor` -> `yoons-successor`), kept short."""
    slug = slugify(title)
    if len(slug) > MAX_SLUG_CHARS:
        slug = slug[: MAX_SLUG_CHARS + 1].rsplit("-", 1)[0]
    return slug or "story"


def summarize(lead: str) -> str:
    """The lead cut at the last sentence end within 300 characters.

    A first sentence longer than that is cut at a word and marked with `…`.
    """
    if len(lead) <= MAX_SUMMARY_CHARS:
        return lead
    ends = [m.end() for m in _SENTENCE_END.finditer(lead) if m.end() <= MAX_SUMMARY_CHARS]
    if ends:
        return lead[: ends[-1]].strip()
    return lead[: MAX_SUMMARY_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def choose_desk(mentions: Mentions) -> str:
    """The desk whose places the story is most about; headline and lead weigh more."""
    desks, fallback = data.desks()
    scores: Counter = Counter()
    for entity, count in mentions.counts.items():
        if entity.desk in desks:
            scores[entity.desk] += count
    for entity in mentions.in_lead:
        if entity.desk in desks:
            scores[entity.desk] += 3
    for entity in mentions.in_headline:
        if entity.desk in desks:
            scores[entity.desk] += 5
    if not scores:
        return fallback
    return min(scores, key=lambda desk: (-scores[desk], desks.index(desk)))


def story_id(blocks) -> str:
    """The same body is the same story, whatever its headline or date."""
    body = "\n".join(block.text for block in blocks)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def enrich_article(article: Article, forced_date: date | None = None) -> Post:
    paragraphs = article.paragraphs
    if not paragraphs:
        raise RejectedArticle(
            f"{article.source}:{article.line}: article {article.headline!r} has no body"
        )
    published = resolve_date(forced_date or article.published, article.caption, paragraphs)
    if published is None:
        raise RejectedArticle(
            f"{article.source}:{article.line}: no date found for {article.headline!r} "
            "(none in the caption or body); give one with --date YYYY-MM-DD"
        )
    lead = paragraphs[0]
    english = not article.lang or article.lang.casefold().split("-")[0] == "en"  # a paste or dump has none
    mentions = find_mentions(article.headline, lead, [article.caption, *paragraphs], by_shape=english)
    tags = tuple((entity.name, entity.kind) for entity in salient_entities(mentions))
    return Post(
        title=article.headline,
        date=published,
        slug=make_slug(article.headline),
        desk=choose_desk(mentions),
        tags=tags,
        summary=summarize(lead),
        caption=article.caption,
        credit=article.credit,
        blocks=article.blocks,
        source=article.source,
        line=article.line,
        story=story_id(article.blocks),
        outlet=article.outlet,
        original_url=article.original_url,
        authors=article.authors,
        lang=article.lang,
        date_given=forced_date is not None,
        image=article.image,
    )
