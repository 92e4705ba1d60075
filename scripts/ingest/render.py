"""Render a post as Pelican Markdown, with every scraped character kept literal.

Scraped text is hostile until proven otherwise: `<script>` must show as text,
`*extra*` keep its asterisks, `#1 on the list` stay a paragraph and
`[x](javascript:...)` never become a link. The body and the summary (which
Pelican renders as Markdown) are escaped here, once. Every other header
value is plain text on one line: the theme escapes it where it prints it,
so a post file reads as it will show (`AT&T`, not `AT&amp;T`).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from .enrich import TAG_KINDS, Post

HASH_KEY = "Import-Hash"

# Characters Python-Markdown (with `extra`) gives meaning anywhere in a line.
_INLINE_ACTIVE = re.compile(r"([\\`*_{}\[\]|])")
# Line starts that open a heading, list, quote, fence, definition or setext line.
_BLOCK_START = re.compile(r"^(#|[+-]|\d+(?=[.)]))")
_ENTITY_START = {"~": "&#126;", "=": "&#61;", ":": "&#58;"}


def escape_html(text: str) -> str:
    """`&`, `<` and `>` as entities; Markdown cannot backslash-escape them."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_markdown(text: str) -> str:
    """One line of text that Markdown renders exactly as written."""
    text = _INLINE_ACTIVE.sub(r"\\\1", escape_html(" ".join(text.split())))
    if text[:1] in _ENTITY_START:
        return _ENTITY_START[text[0]] + text[1:]
    match = _BLOCK_START.match(text)
    if match:
        if match.group(1)[0].isdigit():
            end = match.end()
            return text[:end] + "\\" + text[end:]
        return "\\" + text
    return text


def metadata_value(text: str) -> str:
    """A header value: plain text on one line (the theme escapes it)."""
    return " ".join(text.split())


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def photo_fields(photo) -> list[tuple[str, str]]:
    """The lead photo's header lines: where its files are, its size, widths and formats."""
    if photo is None:
        return []
    return [("Photo", photo.base), ("Photo-Size", f"{photo.width}x{photo.height}"),
            ("Photo-Widths", " ".join(map(str, photo.widths))), ("Photo-Formats", " ".join(photo.formats)),
            ("Photo-Crops", " ".join(photo.crops)), ("Card", photo.card)]


def markdown_table(rows: list[list[str]]) -> str:
    """A Markdown table (Python-Markdown's `tables`, in `extra`): the first row its
    head, every cell escaped, short rows padded so each has the head's width."""
    width = max(map(len, rows))
    lines = ["| " + " | ".join(escape_markdown(cell) or " " for cell in [*row, *[""] * (width - len(row))]) + " |"
             for row in rows]
    return "\n".join([lines[0], "|" + "---|" * width, *lines[1:]])


def markdown_block(block) -> str:
    if block.kind == "table":
        return markdown_table([row.split("\t") for row in block.text.split("\n")])
    return ("## " if block.kind == "subhead" else "") + escape_markdown(block.text)


def render_post(post: Post, slug: str, modified: date | None = None) -> str:
    """The post file's full text; its last header line is a hash of the rest.

    The hash is how a later import knows the file was edited by hand.
    """
    fields = [
        ("Title", metadata_value(post.title)),
        ("Date", post.date.isoformat()),
        ("Modified", modified.isoformat() if modified else ""),
        ("Slug", slug),
        ("Category", metadata_value(post.desk)),
        ("Tags", ", ".join(metadata_value(name) for name, _ in post.tags)),
        *(
            (kind, ", ".join(metadata_value(n) for n, k in post.tags if k == kind))
            for kind in TAG_KINDS
        ),
        ("Summary", escape_markdown(post.summary)),
        ("Caption", metadata_value(post.caption)),
        ("Credit", metadata_value(post.credit)),
        ("Source", metadata_value(post.outlet)),
        ("Source-URL", metadata_value(post.original_url)),
        ("Authors", "; ".join(metadata_value(name) for name in post.authors)),
        ("Lang", metadata_value(post.lang)),
        *photo_fields(post.photo),
        ("Card", post.card.name if post.card else ""),
        ("Story", post.story),
        ("Date-Given", "yes" if post.date_given else ""),
    ]
    header = "".join(f"{key}: {value}\n" for key, value in fields if value)
    body = "\n\n".join(markdown_block(block) for block in post.blocks)
    unhashed = f"{header}\n{body}\n"
    return f"{header}{HASH_KEY}: {content_hash(unhashed)}\n\n{body}\n"


_HASH_LINE = re.compile(rf"^{HASH_KEY}: *(\S*)\n", re.MULTILINE)


def split_hash(text: str) -> tuple[str | None, str]:
    """(stored hash, the file without its hash line) for a post we wrote."""
    match = _HASH_LINE.search(text)
    if not match:
        return None, text
    return match.group(1), text[: match.start()] + text[match.end() :]


def is_hand_edited(text: str) -> bool:
    """True when the file no longer matches the hash written with it."""
    stored, rest = split_hash(text)
    return stored != content_hash(rest)


_PICTURE_LINES = re.compile(r"^(Card|Photo-Crops): .*\n", re.MULTILINE)
_MODIFIED = re.compile(r"^Modified: (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def without_pictures(text: str) -> str:
    """The post without its card and crops lines: adding them changes no story."""
    return _PICTURE_LINES.sub("", without_modified(text))


def modified_of(text: str) -> date | None:
    found = _MODIFIED.search(text)
    try:
        return date.fromisoformat(found[1]) if found else None
    except ValueError:
        return None


def without_modified(text: str) -> str:
    """The post without its hash and `Modified` lines, to compare two imports."""
    _, rest = split_hash(text)
    return re.sub(r"^Modified: .*\n", "", rest, count=1, flags=re.MULTILINE)
