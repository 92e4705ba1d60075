"""A story's lead photo, made ours: re-encoded, resized, stripped, never hot-linked.

Where a photo comes from (inputs.py, webpage.py): an image file named like
a text dump beside it (`monday.txt` and `monday.jpg`: the dump's first
story), a saved page's lead image (a file saved with the page, or its
`og:image`), a fetched page's `og:image`. Whatever it is, Pillow decodes
it, drops every byte of metadata (EXIF, GPS, ICC, comments), and writes it
as WebP, and AVIF where the installed Pillow can, at each width up to the
original's, plus its crops and social card as JPEG (cards.py). Names carry
a hash of the original's bytes, so the same photo gives the same files and a
changed one never serves a stale cache.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, features

from .cards import photo_crops, usable_crops

WIDTHS = (480, 800, 1200)
QUALITY = {"webp": 72, "avif": 55}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif")
MAX_PIXELS = 40_000_000  # a decompression bomb is refused, not decoded
MIN_WIDTH = 200  # smaller than this is an icon or a tracking pixel, not a photo


class PhotoError(ValueError):
    """The image cannot be used; the message is one line."""


@dataclass(frozen=True)
class Photo:
    """A lead photo ready to be written: `files` maps names to bytes."""

    base: str  # images/<slug>-<hash>, without width and format
    width: int
    height: int
    widths: tuple[int, ...]
    formats: tuple[str, ...]
    files: tuple[tuple[str, bytes], ...]
    crops: tuple[str, ...] = ()  # 16x9, 4x3, 1x1: <base>-<crop>.jpg (cards.py)
    card: str = ""  # <base>-card.jpg, 1200x630


def formats() -> tuple[str, ...]:
    """The formats written, best first: AVIF when this Pillow encodes it."""
    return ("avif", "webp") if features.check("avif") else ("webp",)


def sibling_image(text_file: Path) -> Path | None:
    """`monday.jpg` (or .png, .webp...) beside `monday.txt`."""
    for suffix in IMAGE_SUFFIXES:
        for candidate in (text_file.with_suffix(suffix), text_file.with_suffix(suffix.upper())):
            if candidate.is_file():
                return candidate
    return None


def make_photo(raw: bytes, slug: str) -> Photo:
    """Decode, strip and re-encode `raw` at every width up to its own."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            image.load()
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(f"not an image Pillow can read ({type(error).__name__})") from None
    image = ImageOps.exif_transpose(image)  # turned upright, then the EXIF is gone
    if image.width < MIN_WIDTH:
        raise PhotoError(f"{image.width} pixels wide: too small for a lead photo")
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") and _has_alpha(image) else "RGB")
    base = f"images/{slug}-{hashlib.sha256(raw).hexdigest()[:10]}"
    widths = tuple(sorted({width for width in WIDTHS if width < image.width} | {min(image.width, WIDTHS[-1])}))
    written = formats()
    files = []
    for width in widths:
        height = round(image.height * width / image.width)
        resized = image.resize((width, height), Image.Resampling.LANCZOS) if width != image.width else image
        for kind in written:
            out = io.BytesIO()
            resized.save(out, format=kind.upper(), quality=QUALITY[kind])  # no exif=, no icc_profile=
            files.append((f"{base}-{width}.{kind}", out.getvalue()))
    files += photo_crops(image, base)
    largest = widths[-1]
    return Photo(base, largest, round(image.height * largest / image.width), widths, written, tuple(files),
                 crops=usable_crops(image), card=f"{base}-card.jpg")


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
