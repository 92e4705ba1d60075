"""Second opinions on a saved page's article, from extractors of other families.

trafilatura alone now and then keeps a page's sign-up box, paywall notice or
related links, and once in a while only part of a long article. resiliparse
finds a page's main content another way, from the DOM's shape and class names,
in about 2 ms: a paragraph of trafilatura's that resiliparse's main content
does not hold is the page's furniture, not the story (unless it is quoted: an
embedded post, which resiliparse leaves out). When trafilatura's article is a
small part of resiliparse's, readability-lxml reads the page again, and its
article stands if it holds all of trafilatura's.

Text is compared as the benchmark compares it: runs of four words.
"""

from __future__ import annotations

import logging
import re

from .clean import Block

_WORD = re.compile(r"\w+")
SHINGLE_WORDS = 4
# A paragraph with fewer words (a subhead, a dateline) is kept without a vote.
MIN_VOUCHED_WORDS = 4
# At least this share of a paragraph's shingles in the other's main content vouches for it.
VOUCHED_SHARE = 0.5
# Below this share of trafilatura's article in resiliparse's main content, the two
# read different things as the article: no vote.
AGREED_SHARE = 0.5
# trafilatura's article holds less than this share of resiliparse's: perhaps part of a story.
IN_PART_SHARE = 0.6
# readability's article stands only when it holds this much of trafilatura's.
WHOLE_SHARE = 0.95
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre")


def shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text)
    if not words:
        return set()
    return {tuple(words[start:start + SHINGLE_WORDS]) for start in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def share_in(part: set, whole: set) -> float:
    """How much of `part` `whole` holds (1.0 for nothing to hold)."""
    return len(part & whole) / len(part) if part else 1.0


def main_content(html: str) -> set[tuple[str, ...]]:
    """resiliparse's main content of the page, as shingles (empty when it finds none)."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLParserException, HTMLTree

    try:
        return shingles(extract_plain_text(HTMLTree.parse(html), main_content=True))
    except (HTMLParserException, ValueError, RecursionError, MemoryError):  # a second opinion never fails a page
        return set()


def vouched_blocks(blocks: tuple[Block, ...], main: set, quoted: str) -> tuple[Block, ...]:
    """The blocks resiliparse's main content vouches for, with every short block,
    table and quotation. All of them when the two disagree on what the article
    is (resiliparse found no main content, or one that holds less than half of
    trafilatura's article: then it is resiliparse that went wrong), or when the
    vote would leave out most of the article."""
    words = sum(len(_WORD.findall(block.text)) for block in blocks)
    if share_in(shingles(" ".join(block.text for block in blocks)), main) < AGREED_SHARE:
        return blocks
    vouched = tuple(block for block in blocks
                    if block.kind == "table" or len(_WORD.findall(block.text)) < MIN_VOUCHED_WORDS
                    or f" {_words(block.text)} " in quoted
                    or share_in(shingles(block.text), main) >= VOUCHED_SHARE)
    return vouched if sum(len(_WORD.findall(block.text)) for block in vouched) * 2 > words else blocks


def quoted_text(body) -> str:
    """The words of every quotation in trafilatura's XML body, one string to search in."""
    return "".join(f" {_words(' '.join(quote.itertext()))} |" for quote in body.iter("quote"))


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text))


def kept_in_part(text: str, main: set) -> bool:
    return bool(main) and share_in(main, shingles(text)) < IN_PART_SHARE


def readability_article(html: str, text: str) -> str | None:
    """readability-lxml's article, when it holds all of `text` (trafilatura's
    article) and much more: its blocks (paragraphs, heads, lists, tables,
    quotations) in one `<article>`, out of the page's nesting, so that
    trafilatura reads them all again. Else None."""
    from lxml.etree import LxmlError
    from lxml.html import fromstring, tostring
    from readability import Document
    from readability.readability import Unparseable

    logging.getLogger("readability.readability").disabled = True  # it logs a page it cannot read, traceback and all
    try:
        article = fromstring(Document(html).summary(html_partial=False))
    except (Unparseable, LxmlError, ValueError, RecursionError):  # a second opinion never fails a page
        return None
    mine, found = shingles(text), shingles(article.text_content())
    if share_in(mine, found) < WHOLE_SHARE or share_in(found, mine) >= IN_PART_SHARE:
        return None
    blocks = (tostring(element, encoding="unicode") for element in article.iter(*_BLOCKS)
              if not any(parent.tag in _BLOCKS for parent in element.iterancestors()))
    return f"<html><body><article>{''.join(blocks)}</article></body></html>"
