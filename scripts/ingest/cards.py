"""A story's picture for search engines and social networks: crops and a card.

Google's article structured data asks for a story's image in 16:9, 4:3 and
1:1, each at least 50,000 pixels, one at least 1,200 px wide; Open Graph and
X show a 1200x630 card. For a story with a lead photo the converter writes
each crop (centred, 1,200 px wide where the photo allows) and the card cut
from the photo. A story without one gets a card drawn here: its headline,
desk and the site's name on the site's colours, in DejaVu Sans Bold (shipped
under its free licence in data/fonts/). Both are JPEG, and the same story
gives the same bytes on every run: Pillow and its bundled FreeType are pinned.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CARD_SIZE = (1200, 630)
CROPS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
CROP_WIDTH = 1200
QUALITY = 82
FONT = Path(__file__).parent / "data" / "fonts" / "DejaVuSans-Bold.ttf"
# The site's colours (theme/static/css/site.css): paper, ink, accent, soft ink.
PAPER, INK, ACCENT, SOFT = "#fdfcf8", "#1a1a1a", "#8a1c1c", "#4a4a4a"
MARGIN = 72
HEADLINE_SIZES = (64, 56, 48, 42)  # the largest that fits in four lines
HEADLINE_LINES = 4
# The site's name on cards: the converter does not read Pelican's settings.
SITE_NAME = os.environ.get("NEWS_DIGEST_SITE_NAME", "News Digest")


@dataclass(frozen=True)
class Card:
    """A story's drawn card: its name now, its bytes only when it is written
    (`files`), so a story the converter leaves as it is costs no drawing."""

    name: str
    headline: str
    desk: str
    site_name: str = SITE_NAME

    @property
    def files(self) -> tuple[tuple[str, bytes], ...]:
        return ((self.name, drawn_card(self.headline, self.desk, self.site_name)),)


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=QUALITY, optimize=True)  # no exif=, no icc_profile=
    return out.getvalue()


def centred_crop(image: Image.Image, ratio: tuple[int, int]) -> Image.Image:
    """The largest centred part of `image` in `ratio`."""
    wide, high = ratio
    width = min(image.width, image.height * wide // high)
    height = min(image.height, width * high // wide)
    left, top = (image.width - width) // 2, (image.height - height) // 2
    return image.crop((left, top, left + width, top + height))


MIN_CROP_PIXELS = 50_000  # Google's least for a structured-data image


def on_paper(image: Image.Image) -> Image.Image:
    """A photo with transparency set on the site's paper, not on black, as JPEG would."""
    if image.mode in ("RGBA", "LA"):
        flat = Image.new("RGB", image.size, PAPER)
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def usable_crops(image: Image.Image) -> tuple[str, ...]:
    """The crops of at least MIN_CROP_PIXELS a photo this size gives."""
    return tuple(name for name, ratio in CROPS.items()
                 if (crop := centred_crop(image, ratio)).width * crop.height >= MIN_CROP_PIXELS)


def photo_crops(image: Image.Image, base: str) -> list[tuple[str, bytes]]:
    """Each crop of the photo (of those large enough) at up to CROP_WIDTH, and the card (`<base>-card.jpg`)."""
    image = on_paper(image)
    files = []
    for name in usable_crops(image):
        crop = centred_crop(image, CROPS[name])
        if crop.width > CROP_WIDTH:
            crop = crop.resize((CROP_WIDTH, round(crop.height * CROP_WIDTH / crop.width)), Image.Resampling.LANCZOS)
        files.append((f"{base}-{name}.jpg", jpeg(crop)))
    card = centred_crop(image, CARD_SIZE).resize(CARD_SIZE, Image.Resampling.LANCZOS)
    files.append((f"{base}-card.jpg", jpeg(card)))
    return files


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


@cache
def _missing_glyph() -> bytes:
    return bytes(font(40).getmask("\U0010fffd"))


def can_draw(text: str) -> bool:
    """Whether the font has a glyph for every letter (DejaVu has no Chinese, Japanese or Korean)."""
    missing = _missing_glyph()
    return all(bytes(font(40).getmask(letter)) != missing for letter in set(text) if not letter.isspace())


def wrapped(text: str, size: int, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and font(size).getlength(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def headline_lines(headline: str) -> tuple[int, list[str]]:
    """The largest size at which the headline fits, and its lines (the last cut with … if it must be)."""
    width = CARD_SIZE[0] - 2 * MARGIN
    for size in HEADLINE_SIZES:
        lines = wrapped(headline, size, width)
        if len(lines) <= HEADLINE_LINES:
            return size, lines
    size = HEADLINE_SIZES[-1]
    lines = wrapped(headline, size, width)[:HEADLINE_LINES]
    while font(size).getlength(lines[-1] + " …") > width and " " in lines[-1]:
        lines[-1] = lines[-1].rsplit(" ", 1)[0]
    lines[-1] += " …"
    return size, lines


def is_rtl(text: str) -> bool:
    """Whether the text's first strong letter is written right to left."""
    for letter in text:
        direction = unicodedata.bidirectional(letter)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def story_card(slug: str, headline: str, desk: str, site_name: str = SITE_NAME) -> Card:
    return Card(card_name(slug, headline, desk, site_name), headline, desk, site_name)


def drawn_card(headline: str, desk: str, site_name: str = SITE_NAME) -> bytes:
    """A 1200x630 card for a story without a photo: desk, headline, site name."""
    card = Image.new("RGB", CARD_SIZE, PAPER)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, CARD_SIZE[0], 16), fill=ACCENT)
    draw.text((MARGIN, 64), desk.upper(), font=font(30), fill=ACCENT)
    if can_draw(headline):
        size, lines = headline_lines(headline)
        top = 130
        for line in lines:  # a headline in Arabic or Hebrew sets from the right
            left = CARD_SIZE[0] - MARGIN - font(size).getlength(line) if is_rtl(headline) else MARGIN
            draw.text((left, top), line, font=font(size), fill=INK)
            top += round(size * 1.22)
    draw.line((MARGIN, CARD_SIZE[1] - 110, CARD_SIZE[0] - MARGIN, CARD_SIZE[1] - 110), fill=SOFT, width=2)
    draw.text((MARGIN, CARD_SIZE[1] - 88), site_name, font=font(36), fill=INK)
    return jpeg(card)


def card_name(slug: str, headline: str, desk: str, site_name: str = SITE_NAME) -> str:
    """`images/<slug>-<hash>-card.jpg`, the hash of what the card shows: a new headline, a new file."""
    digest = hashlib.sha256("\n".join((headline, desk, site_name)).encode("utf-8")).hexdigest()[:10]
    return f"images/{slug}-{digest}-card.jpg"
