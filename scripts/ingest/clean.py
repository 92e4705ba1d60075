"""Clean a raw article: caption and credit apart, noise out, subheads marked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dump import Line, RawArticle, is_noise

# A credit in parentheses closes the caption: "(AP)", "(AP Photo/Ahn Young-joon)".
_CREDIT_IN_PARENS = re.compile(r"\s*\(([^()]{1,80})\)\s*$")
# Otherwise a credit follows the caption's last sentence: "... 2024. Name/AGENCY via REUTERS".
_CREDIT_AFTER_SENTENCE = re.compile(r"(?<=[.!?”\"])\s+([^.!?]{2,120})$")
_CREDIT_MARKERS = re.compile(
    r"/|\bvia\b|\bPhoto\b|\bGetty\b|\bREUTERS\b|\bReuters\b|\bAFP\b|\bAP\b|\bEPA\b"
)


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph", "subhead" or "table" (its rows a line each, its cells apart by tabs)
    text: str
    line: int


@dataclass(frozen=True)
class Article:
    source: str
    line: int
    headline: str
    caption: str
    credit: str
    blocks: tuple[Block, ...]
    dropped: tuple[tuple[Line, str], ...]
    # What a web page says of itself; a dump says none of it.
    published: date | None = None
    outlet: str = ""
    original_url: str = ""
    authors: tuple[str, ...] = ()
    lang: str = ""
    image: str = ""  # the lead photo: a local file or a URL (photos.py makes it ours)
    doubt: str = ""  # why the reader may have taken the wrong text for the story (a paste's)

    @property
    def paragraphs(self) -> list[str]:
        return [block.text for block in self.blocks if block.kind == "paragraph"]


def split_caption_credit(caption: str) -> tuple[str, str]:
    """Split `"Text. Name/AGENCY via REUTERS"` or `"Text. (AP)"` into text and credit."""
    match = _CREDIT_IN_PARENS.search(caption)
    if match and (_CREDIT_MARKERS.search(match.group(1)) or match.group(1).isupper()):
        return caption[: match.start()].strip(), match.group(1).strip()
    match = _CREDIT_AFTER_SENTENCE.search(caption)
    if match and _CREDIT_MARKERS.search(match.group(1)):
        return caption[: match.start()].strip(), match.group(1).strip()
    return caption, ""


def is_subhead(text: str) -> bool:
    """ALL-CAPS lines are subheads: at least three capitals and no lower case."""
    if len(text) > 100 or text.endswith((".", ",", ";")):
        return False
    capitals = sum(1 for char in text if char.isupper())
    return capitals >= 3 and not any(char.islower() for char in text)


def caption_lines(header: tuple[Line, ...]) -> list[str]:
    """The distinct caption lines of a header: everything that is not noise."""
    seen: list[str] = []
    for line in header:
        if not is_noise(line.text) and line.text not in seen:
            seen.append(line.text)
    return seen


def clean_article(raw: RawArticle) -> Article:
    captions = caption_lines(raw.header)
    dropped = list(raw.dropped)
    dropped += [(line, "interface noise") for line in raw.header if is_noise(line.text)]
    dropped += [(line, "photo caption") for line in raw.header if not is_noise(line.text)]
    blocks = []
    for line in raw.body:
        if line.text in captions:
            dropped.append((line, "photo caption repeated"))
        elif line.text == raw.headline.text:
            dropped.append((line, "headline repeated"))
        elif is_noise(line.text):
            dropped.append((line, "interface noise"))
        else:
            kind = "subhead" if is_subhead(line.text) else "paragraph"
            blocks.append(Block(kind, line.text, line.number))
    caption, credit = split_caption_credit(" ".join(captions)) if captions else ("", "")
    return Article(
        source=raw.source,
        line=raw.headline.number,
        headline=raw.headline.text,
        caption=caption,
        credit=credit,
        blocks=tuple(blocks),
        dropped=tuple(dropped),
    )
