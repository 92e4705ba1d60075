"""A post's header checked field by field, the same for Markdown, reST and HTML.

A value that cannot be used gives one warning naming the file and the field,
and the story is built without it. A post that cannot stand without a value
(no Title; a Date that is not a date; a Status the site does not know, where
publishing by mistake is worse than leaving out) is left out: `BadPost`.
A post with no Date at all may still take one from its file name
(FILENAME_METADATA); left_out.py counts the one that has neither.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican.readers import _filter_discardable_metadata
from pelican.utils import SafeDatetime, slugify

from ..left_out import BadPost
from .sanitize import sanitize

log = logging.getLogger(__name__)

LISTS = frozenset({"tags", "authors", "correction"})  # the fields that hold several values
STATUSES = ("published", "draft", "hidden", "skip")  # Pelican's, for articles and pages alike
_PLAIN_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
# `Correction: 2025-06-13: An earlier version misstated the number of ships.`
_CORRECTION = re.compile(r"(\d{4}-\d{2}-\d{2})\s*[:–—-]?\s+(\S.*)", re.DOTALL)


@dataclass(frozen=True, order=True)
class Correction:
    """An editor's correction to a story: the day it was made and what it says."""
    day: date
    text: str


def fast_date(name: str, value) -> datetime | None:
    """`YYYY-MM-DD` as Pelican's get_date reads it (midnight, no zone), without
    dateutil: every converted post's file name and Date are in this form."""
    if name in ("date", "modified") and isinstance(value, str):
        match = _PLAIN_DAY.fullmatch(value.strip())
        if match:
            return SafeDatetime(*map(int, match.groups()))
    return None


def first_of(name: str, value, where: str):
    """One value for a field that holds one, with a warning when there were more
    (a Title on several lines is one title)."""
    if isinstance(value, list) and name == "title":
        return " ".join(map(str, value))
    if isinstance(value, list) and name not in LISTS:
        log.warning("%s: more than one %s; the first is used", where, name.capitalize())
        return value[0] if value else ""
    return value


def clean_slug(slug: str, settings: dict) -> str:
    """The slug as an address: each dot-separated part slugified, dots kept
    between parts as Pelican keeps them (`mac-os-10.8`)."""
    subs = settings["SLUG_REGEX_SUBSTITUTIONS"]
    return ".".join(part for part in (slugify(piece, regex_subs=subs) for piece in slug.split(".")) if part)


def _check_title(metadata: dict, title_is_html: bool) -> None:
    title = metadata.get("title")
    if not isinstance(title, str):
        raise BadPost("no Title")
    if title_is_html:  # an HTML post's <title> may hold markup; the site's titles are text
        title = Markup(title).striptags()
    if not title.strip():
        raise BadPost("no Title")
    metadata["title"] = title


def _check_slug(metadata: dict, settings: dict, where: str) -> None:
    slug = metadata.get("slug")
    if not isinstance(slug, str):
        return
    clean = clean_slug(slug, settings)
    if clean == slug:
        return
    clean = clean or slugify(metadata["title"], regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
    if not clean:
        raise BadPost(f"Slug {slug!r} has no letter or digit, nor has the Title")
    log.warning("%s: Slug %r is not a clean address; using %r", where, slug, clean)
    metadata["slug"] = clean


def _check_places(metadata: dict, where: str) -> None:
    """Desk and tags: each one needs a letter or a digit to have an address."""
    category = metadata.get("category")
    if category is not None and not category.slug:
        log.warning("%s: Category %r has no letter or digit; using the default desk", where, category.name)
        del metadata["category"]
    tags = metadata.get("tags")
    if tags is None:
        return
    kept = [tag for tag in tags if tag.slug]
    for tag in tags:
        if not tag.slug:
            log.warning("%s: tag %r has no letter or digit; left out", where, tag.name)
    if kept:
        metadata["tags"] = kept
    else:
        del metadata["tags"]


def _check_text_fields(metadata: dict, where: str) -> None:
    status = metadata.get("status")
    if isinstance(status, str):
        if status.lower() not in STATUSES:
            raise BadPost(f"Status {status!r} is not one of {', '.join(STATUSES)}")
        metadata["status"] = status.lower()
    lang = metadata.get("lang")
    if lang is not None and not (isinstance(lang, str) and _LANGUAGE_TAG.fullmatch(lang)):
        log.warning("%s: Lang %r is not a language tag (en, pt-BR); built without it", where, lang)
        del metadata["lang"]
    zone = metadata.get("timezone")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ValueError, KeyError, OSError, TypeError):  # ZoneInfoNotFoundError is a KeyError
            log.warning("%s: Timezone %r is not a time zone (Europe/Paris); built without it", where, zone)
            del metadata["timezone"]


def _check_corrections(metadata: dict, where: str) -> None:
    """`Correction:` lines, each a day and a sentence, oldest first, as `corrections`."""
    found = metadata.pop("correction", None)
    if found is None:
        return
    corrections = []
    for value in found if isinstance(found, list) else [found]:
        text = " ".join(str(value).split())
        match = _CORRECTION.fullmatch(text)
        try:
            corrections.append(Correction(date.fromisoformat(match[1]), match[2]))
        except (TypeError, ValueError):  # no match, or a day that is no date
            log.warning("%s: Correction %r is not 'YYYY-MM-DD: what was corrected'; left out", where, text)
    if corrections:
        # By day; two of one day in the order the editor wrote them.
        metadata["corrections"] = tuple(sorted(corrections, key=lambda correction: correction.day))


def checked_metadata(metadata: dict, unusable: list[tuple[str, object]], settings: dict, where: str,
                     title_is_html: bool = False) -> dict:
    """Pelican's processed metadata, each field usable or gone (one warning each);
    BadPost for a post that cannot stand without a value."""
    metadata = _filter_discardable_metadata(metadata)
    for name, value in unusable:
        if name == "date":
            raise BadPost(f"Date {value!r} is not a date (YYYY-MM-DD)")
        log.warning("%s: %s %r cannot be used; built without it", where, name.capitalize(), value)
    for name in list(metadata):
        metadata[name] = first_of(name, metadata[name], where)
    _check_title(metadata, title_is_html)
    _check_slug(metadata, settings, where)
    _check_places(metadata, where)
    _check_text_fields(metadata, where)
    _check_corrections(metadata, where)
    if "summary" in metadata:
        summary = metadata["summary"]
        metadata["summary"] = sanitize(summary if isinstance(summary, str) else " ".join(map(str, summary)),
                                       settings.get("SITEURL", ""))
    return metadata
