"""Read a raw dump and split it into articles.

A dump holds several articles. Each starts with its headline, then the photo
caption (usually written twice), then interface noise (`TT`, `20`), then the
headline again, the caption again, and the body. The repeated headline is the
signature we split on: it survives blank-line changes, CRLF and lost photos.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import data

# A headline is repeated within this many non-blank lines (two captions,
# a handful of interface lines). Anything further apart is not a header.
MAX_HEADER_LINES = 8
# Control characters XML 1.0 forbids (one in a story stops Pelican's feed
# writer) or that no reader can see; tab and line ends are whitespace.
# Scripts written without spaces between words.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


class DumpError(Exception):
    """A dump that cannot be read; the message is one line for the editor."""

    def __init__(self, source: str, message: str, line: int | None = None):
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass(frozen=True)
class RawArticle:
    """One article as found in a dump, before any cleaning."""

    source: str
    headline: Line
    header: tuple[Line, ...]  # lines between the two copies of the headline
    body: tuple[Line, ...]  # every non-blank line after the second headline
    dropped: tuple[tuple[Line, str], ...] = field(default=())


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _tidy(line: str, keep_tabs: bool) -> str:
    """Runs of white space as one space. With `keep_tabs`, each tab stays one tab
    between cells (an empty cell too; trailing tabs go). A line of nothing but
    white space and zero-width characters (a page's spacer paragraph) is blank."""
    if not line.translate(_ZERO_WIDTH).strip():
        return ""
    if not keep_tabs:
        return " ".join(line.split())
    return "\t".join(" ".join(part.split()) for part in line.split("\t")).rstrip("\t")


def decode_with_notes(raw: bytes, source: str, keep_tabs: bool = False) -> tuple[list[str], list[str]]:
    """Decode UTF-8 (with or without a byte-order mark) into stripped lines,
    with a note for each line that lost control characters.

    CRLF and CR line ends, trailing spaces, no-break spaces and control
    characters all vanish here, so later stages see one shape of text
    whatever the copy looked like. With `keep_tabs`, a tab stays a tab: a
    browser copies a table's row as its cells apart by tabs.
    """
    if not raw.strip():
        raise DumpError(source, "empty file, no article to convert")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise DumpError(
            source, f"not UTF-8 text (byte 0x{raw[error.start]:02x})", line
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    lines, notes = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        line, removed = _CONTROL.subn("", _tidy(line, keep_tabs))
        if removed:
            notes.append(f"{source}:{number}: removed {removed} control character(s)")
            line = _tidy(line, keep_tabs)
        lines.append(line)
    return lines, notes


def decode_dump(raw: bytes, source: str) -> list[str]:
    return decode_with_notes(raw, source)[0]


def read_dump(path: Path) -> tuple[list[str], list[str]]:
    """The dump's lines and the notes on what decoding removed."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DumpError(str(path), f"cannot read: {error.strerror or error}") from None
    return decode_with_notes(raw, str(path))


def is_noise(text: str) -> bool:
    """Interface lines: a short code (`TT`), a bare number (`20`), or a known label."""
    return bool(_NOISE_SHAPE.fullmatch(text)) or text.casefold() in data.noise_lines()


_NOISE_SHAPE = re.compile(r"[A-Z]{1,3}|\d{1,4}")


def is_one_word(text: str) -> bool:
    """One word of letters, in a script that spaces its words: a section's label
    a page writes twice ("HEALTH", over the menu and over the story), never a
    dump's headline (a headline in Japanese is one "word" too)."""
    return text.isalpha() and not CJK.search(text)


def _header_end(lines: list[Line], start: int) -> int | None:
    """Index of the second copy of the headline at `start`, or None.

    Between the two copies there may only be a header: caption lines, then
    interface noise (`TT`, `20`); or, with no noise, captions written twice.
    So a paragraph that happens to repeat is not taken for a new headline.
    """
    headline = lines[start].text
    if is_noise(headline) or is_one_word(headline):
        return None
    for end in range(start + 2, min(start + 2 + MAX_HEADER_LINES, len(lines))):
        if lines[end].text == headline:
            return end if _looks_like_header([line.text for line in lines[start + 1 : end]]) else None
    return None


def _looks_like_header(between: list[str]) -> bool:
    noise_at = [i for i, text in enumerate(between) if is_noise(text)]
    if noise_at:
        return noise_at == list(range(noise_at[0], len(between)))
    pairs = zip(between[::2], between[1::2], strict=False)  # an odd count fails below
    return len(between) % 2 == 0 and all(a == b for a, b in pairs)


def split_articles(lines: list[str], source: str) -> list[RawArticle]:
    """Find every article in a dump's lines; raise DumpError if there is none."""
    numbered = [Line(n, text) for n, text in enumerate(lines, start=1) if text]
    headers: list[tuple[int, int]] = []
    index = 0
    while index < len(numbered):
        end = _header_end(numbered, index)
        if end is None:
            index += 1
        else:
            headers.append((index, end))
            # The caption follows the second headline again; skip it so a
            # doubled caption is never mistaken for the next headline.
            header_texts = {line.text for line in numbered[index + 1 : end]}
            index = end + 1
            while index < len(numbered) and numbered[index].text in header_texts:
                index += 1
    if not headers:
        raise DumpError(
            source,
            "no recognisable article (expected a headline, its caption, "
            "then the headline again)",
        )
    articles = []
    for position, (start, end) in enumerate(headers):
        stop = headers[position + 1][0] if position + 1 < len(headers) else len(numbered)
        dropped: tuple[tuple[Line, str], ...] = ()
        if position == 0 and start > 0:
            dropped = tuple((line, "before the first headline") for line in numbered[:start])
        articles.append(
            RawArticle(
                source=source,
                headline=numbered[start],
                header=tuple(numbered[start + 1 : end]),
                body=tuple(numbered[end + 1 : stop]),
                dropped=dropped,
            )
        )
    return articles
