"""Each story's lead photo, as the theme draws it: <picture> sources, size, thumbnail;
and its crops and social card, as search engines and social networks read them.

The converter writes a post's photo as four header lines (Photo, Photo-Size,
Photo-Widths, Photo-Formats) and the files under content/images/, which
Pelican copies as they are (STATIC_PATHS). A hand-written header that does
not name our own files in that shape is left out with a warning: the site
never links an image it did not make.
"""

from __future__ import annotations

import logging
import os
import re

from .jsonfeed import site_address

log = logging.getLogger(__name__)
_BASE = re.compile(r"images/[a-z0-9-]+")
_SIZE = re.compile(r"([1-9]\d{0,4})x([1-9]\d{0,4})")  # no side of 0: the thumbnail's height divides by the width
FORMATS = ("avif", "webp")  # best first
THUMB_WIDTH = 480
_CARD = re.compile(r"images/[a-z0-9-]+-card\.jpg")
CARD_SIZE = (1200, 630)
CROPS = ("16x9", "4x3", "1x1")  # as Google's article structured data asks


def card_of(metadata: dict, siteurl: str) -> dict | None:
    """The story's social card (1200x630, cards.py), when its header names one of ours."""
    name = str(metadata.get("card", "")).strip()
    if not name:
        return None
    if not _CARD.fullmatch(name):
        raise ValueError(f"Card {name!r} must name our own file (images/<name>-card.jpg)")
    return {"url": f"{siteurl}/{name}", "width": CARD_SIZE[0], "height": CARD_SIZE[1]}


def crops_of(metadata: dict, base: str, siteurl: str) -> list[str]:
    """The photo's crops for structured data, widest ratio first."""
    named = str(metadata.get("photo-crops", "")).split()
    return [f"{siteurl}/{base}-{crop}.jpg" for crop in CROPS if crop in named]


def photo_of(metadata: dict, siteurl: str, absolute: str = "") -> dict | None:
    base = str(metadata.get("photo", "")).strip()
    size = _SIZE.fullmatch(str(metadata.get("photo-size", "")).strip())
    widths = sorted(int(w) for w in str(metadata.get("photo-widths", "")).split() if w.isdigit())
    formats = [f for f in FORMATS if f in str(metadata.get("photo-formats", "")).split()]
    if not (_BASE.fullmatch(base) and size and widths and "webp" in formats):
        raise ValueError("Photo headers must name our own files (images/<name>, WxH above 0x0, widths, webp)")
    width, height = int(size.group(1)), int(size.group(2))
    url = f"{siteurl}/{base}"
    middle = min(widths, key=lambda w: abs(w - 800))
    thumb = min(widths, key=lambda w: abs(w - THUMB_WIDTH))
    return {
        "src": f"{url}-{middle}.webp", "width": width, "height": height,
        "sources": [(f"image/{kind}", ", ".join(f"{url}-{w}.{kind} {w}w" for w in widths)) for kind in formats],
        "thumb": f"{url}-{thumb}.webp", "thumb_width": thumb, "thumb_height": round(height * thumb / width),
        "crops": crops_of(metadata, base, absolute or siteurl),
    }


def frame_photos(generator) -> None:
    """article_generator_finalized: `article.photo` for every story with a lead photo."""
    siteurl = generator.settings.get("SITEURL", "")
    absolute = site_address(generator.settings)  # og:image and JSON-LD need a full address
    for article in generator.articles:
        article.photo = article.card = None
        where = os.path.relpath(article.source_path, generator.settings["PATH"])
        try:
            article.card = card_of(article.metadata, absolute)
        except ValueError as error:
            log.warning("%s: %s; the story has no card", where, error)
        if "photo" not in article.metadata:
            continue
        try:
            article.photo = photo_of(article.metadata, siteurl, absolute)
        except ValueError as error:
            log.warning("%s: %s; the story shows no photo", where, error)
