"""A saved web page (or a fetched one) into an article, by trafilatura.

trafilatura is the field's reference for finding a page's article: it reads
the markup (article, paragraphs, link density) and the page's own metadata
(Open Graph, JSON-LD, `<meta>`), and finds the publication date with htmldate
(never the date the page was saved or fetched). Here its result becomes the
same `Article` the dump parser makes, plus what the page says of itself:
outlet, original address, authors and language.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse, urlsplit, urlunsplit

from . import data
from .clean import Article, Block, is_subhead, split_caption_credit
from .dump import DumpError
from .opinions import kept_in_part, main_content, quoted_text, readability_article, vouched_blocks
from .paste import line_words

# Lines an article body never needs, whatever the outlet.
_BOILERPLATE = re.compile(
    r"(advertisement|advertising|sponsored( content)?|read more|continue reading|share( this)?"
    r"( article| story)?|comments?|click here\b.*|sign up\b.*newsletter.*|subscribe\b.*)[.:!]?",
    re.IGNORECASE,
)
# A call to write in, the site's box: never the story's first paragraph (its summary).
_LETTER_BOX = re.compile(r"(submit|send( us)?) (your|a) letters? (to the editor|for (our|the) letters page)\b.*",
                         re.IGNORECASE)
LETTER_BOX_CHARACTERS = 200
# A gallery's counter or a control, where a figure's caption would be ("Slideshow ( 15 images )").
_NOT_A_CAPTION = re.compile(
    r"(slide ?show|gallery|photo gallery|photos?|images?|pictures?)?\s*[(\[]?\s*\d+\s*"
    r"(images?|photos?|pictures?|slides?)?\s*[)\]]?|\d+\s*(of|/)\s*\d+|(enlarge|expand|view|open)"
    r"( this)?( image| photo| gallery| slideshow)?|(slide ?show|gallery|photo gallery)", re.IGNORECASE)
# Fewer words than this is a menu or a teaser, not an article.
MIN_ARTICLE_WORDS = 25
_TAG = re.compile(rb"<(?:link|meta)\s[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_SAVED_FROM = re.compile(rb"<!-- saved from url=\(\d+\)(\S+?) ?-->")
_FIGCAPTION = re.compile(rb"<figcaption[^>]*>(.*?)</figcaption>", re.IGNORECASE | re.DOTALL)
_ARTICLE_START = re.compile(rb"<article[\s>]", re.IGNORECASE)
_MARKUP = re.compile(r"<[^>]+>")
_CREDIT_LABEL = re.compile(r"^(photo|photograph|picture|image)s?\s*:\s*", re.IGNORECASE)
_HTML_LANG = re.compile(rb"<html[^>]*?\slang=[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)", re.IGNORECASE)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)
# Query parameters that say who sent the reader, not what the page is.
_TRACKING = re.compile(r"utm_\w+|srcref|cmpid|cmp|icid|ito|smid|mc_cid|mc_eid|fbclid|gclid|ns_\w+|"
                       r"ocid|xtor|at_medium|at_campaign|sr_share", re.IGNORECASE)
_REFERRER = re.compile(r"ref=[A-Za-z_-]*")  # `ref=rss`, `ref=home`: who sent; `ref=12345` may be the page's id
# "Headline | Site", "Headline - Site": the site's name after the last separator.
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ")
_SLUG_TITLE = re.compile(r"[\w]+(?:[-_][\w]+){2,}")


def _published(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def trusted_date(found: date | None, raw: bytes, url: str = "") -> date | None:
    """The page's date, unless it is a guess: htmldate's extensive search fills a
    missing month and day with the 1st, and finds "dates" in any address in the
    markup (`www.w3.org/2000/01/...`). A date on the 1st stands only when the
    page's own markup (its metadata, `<time>`, JSON-LD) gives it too; else the
    story asks for --date, as a paste without a date does."""
    if found is None or found.day != 1:
        return found
    from htmldate import find_date

    marked = find_date(raw, extensive_search=False, original_date=True, url=url or None)
    return found if marked and _published(marked) == found else None


def page_language(raw: bytes) -> str:
    """The `lang` of the page's `<html>` element, as `en` or `pt-BR`."""
    match = _HTML_LANG.search(raw[:20000])
    return match.group(1).decode("ascii") if match else ""


def page_address(raw: bytes) -> str:
    """Where the page says it lives: its canonical link, its og:url, or the
    address a browser's "Save page as" noted in a comment."""
    found: dict[str, str] = {}
    for tag in _TAG.findall(raw[:200000]):
        attributes = {name.lower(): next(v for v in values if v) if any(values) else b""
                      for name, *values in _ATTRIBUTE.findall(tag)}
        if b"canonical" in attributes.get(b"rel", b"").lower().split():
            found.setdefault("canonical", attributes.get(b"href", b"").decode("utf-8", "replace"))
        elif attributes.get(b"property", b"").lower() == b"og:url":
            found.setdefault("og", attributes.get(b"content", b"").decode("utf-8", "replace"))
    saved = _SAVED_FROM.search(raw[:2000])
    if saved:
        found["saved"] = saved.group(1).decode("utf-8", "replace")
    for kind in ("canonical", "og", "saved"):
        if found.get(kind, "").startswith(("http://", "https://")):
            return found[kind].strip()
    return ""


def without_tracking(url: str) -> str:
    """The address without the parameters that only say who sent the reader (`utm_*`,
    `ref`, `cmpid`...): the same story, one address."""
    parts = urlsplit(url)
    query = parts.query.split("&") if parts.query else []
    kept = [item for item in query
            if not (_TRACKING.fullmatch(item.partition("=")[0]) or _REFERRER.fullmatch(item))]
    return url if len(kept) == len(query) else urlunsplit(parts._replace(query="&".join(kept)))


def _plain(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold().removeprefix("the "))


def _names_the_site(tail: str, outlet: str, host: str) -> bool:
    """Whether the part after a title's last separator is the site's name: its outlet's
    name or its domain's ("9to5Mac", "thecoastalherald"), most of that part."""
    labels = host.removeprefix("www.").split(".")
    domain = _plain(labels[-2] if len(labels) >= 2 else labels[0])
    tail = _plain(tail)
    names = [name for name in (_plain(outlet), domain) if name]
    return any(name == tail or (len(name) >= 4 and name in tail and len(name) >= 0.6 * len(tail)) for name in names)


def page_heading(raw: bytes) -> str:
    """The text of the page's first `<h1>` (in its `<article>` when it has one)."""
    import html

    start = _ARTICLE_START.search(raw)
    match = (start and _H1.search(raw, start.start())) or _H1.search(raw)
    return " ".join(html.unescape(_MARKUP.sub(" ", match.group(1).decode("utf-8", "replace"))).split()) \
        if match else ""


def _spells(slug: str, heading: str) -> bool:
    """Whether most of a slug's words are the heading's (the site's logo is not the story's)."""
    from unidecode import unidecode

    words = [word for word in re.split(r"[-_]", slug.casefold()) if len(word) > 2]
    said = set(re.findall(r"\w+", unidecode(heading).casefold()))
    return len(heading.split()) >= 3 and bool(words) and sum(word in said for word in words) >= 0.6 * len(words)


def headline_of(title: str, outlet: str, host: str, heading: str) -> str:
    """The story's headline from the page's title: without the site's name after a
    separator ("Harbour strike ends | The Coastal Herald"), and the page's `<h1>`
    when the title is an address's slug ("harbour-strike-ends-after-nine-days")."""
    if _SLUG_TITLE.fullmatch(title) and _spells(title, heading):
        return heading
    for separator in _TITLE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and len(head.split()) >= 3 and _names_the_site(tail, outlet, host):
            return head.strip()
    return title


_NOT_NAMES = {"admin", "administrator", "editor", "editors", "staff", "webmaster", "redaktion", "redacción"}
_ORGANISATION_ENDS = {"online", "news", "media", "agency", "agencies", "desk", "newsroom", "redaktion", "magazine"}


def authors_of(byline: str, outlet: str) -> tuple[str, ...]:
    """The people a page's byline names ("Maria Lindqvist; Tom Okafor"), without the
    outlet or a desk ("SPIEGEL ONLINE"), places ("Hamburg; Germany") or a CMS's
    "admin". A one-word part stands only alone (a blog's "Regan", an agency's
    "Reuters"); capitals are no sign (AP's bylines are in capitals)."""
    parts = [" ".join(part.split()) for part in byline.split(";")]
    parts = [part for part in parts if part]
    return tuple(part for part in parts if is_person(part, outlet, alone=len(parts) == 1))


def is_person(name: str, outlet: str, alone: bool = True) -> bool:
    words = name.split()
    known = data.known_entities().get(name)
    if (not words or len(words) > 7 or _plain(name) == _plain(outlet) or (known and known.kind != "People")
            or name.casefold() in _NOT_NAMES):
        return False
    if len(words) == 1:  # a name in a script without capitals (山田太郎) stands beside others
        return alone or not any(character.isupper() or character.islower() for character in name)
    if words[-1].isascii() and words[-1].islower():  # "Science X staff": a name ends in a capital
        return False
    return not (len(words) <= 3 and words[-1].casefold() in _ORGANISATION_ENDS)


def lead_caption(raw: bytes) -> tuple[str, str]:
    """The caption and credit of the story's first figure (in its `<article>`
    when it has one): the lead photo's, since trafilatura keeps captions out of the body."""
    import html

    start = _ARTICLE_START.search(raw)
    match = _FIGCAPTION.search(raw, start.start() if start else 0)
    if not match:
        return "", ""
    text = " ".join(html.unescape(_MARKUP.sub(" ", match.group(1).decode("utf-8", "replace"))).split())
    if _NOT_A_CAPTION.fullmatch(text):
        return "", ""
    caption, credit = split_caption_credit(text)
    return caption, _CREDIT_LABEL.sub("", credit)


def outlet_of(sitename: str | None, url: str | None, hostname: str | None) -> str:
    """The outlet's name: the page's own (og:site_name, publisher), else its domain."""
    if sitename and not sitename.startswith(("http://", "https://")):
        return " ".join(sitename.split())
    host = hostname or (urlparse(url).hostname if url else "") or ""
    return host.removeprefix("www.")


_TABLE_ROW = re.compile(r"\|.*\|")
_TABLE_RULE = re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+")


def table_cells(line: str) -> list[str]:
    """A Markdown table row's cells ("| a | b \\| c |" -> ["a", "b | c"])."""
    return [" ".join(cell.replace("\\|", "|").split()) for cell in re.split(r"(?<!\\)\|", line.strip()[1:-1])]


def body_blocks(text: str, headings: set[str], title: str, first_line: int = 1) -> tuple[Block, ...]:
    """trafilatura's text, one element a line, as paragraphs, subheads and tables
    (trafilatura writes a table as Markdown rows: they stay one table, a row a
    line, not a paragraph a row)."""
    blocks: list[Block] = []
    rows: list[str] = []
    headed = False  # trafilatura writes the rule under a head of <th> cells only
    for number, line in enumerate([*text.splitlines(), ""], start=first_line):
        line = " ".join(line.split())
        if _TABLE_ROW.fullmatch(line) and len(line) > 2:
            if _TABLE_RULE.fullmatch(line.replace(" ", "")):
                headed = headed or len(rows) == 1
            else:
                if not rows:
                    start = number
                rows.append("\t".join(table_cells(line)))
            continue
        if rows:  # a table without a head gets an empty one: Markdown's tables have one
            blocks.append(Block("table", "\n".join(rows if headed else ["", *rows]), start))
            rows, headed = [], False
        if (not line or line == title or (len(line) < 80 and _BOILERPLATE.fullmatch(line))
                or (len(line) < LETTER_BOX_CHARACTERS and _LETTER_BOX.fullmatch(line))):
            continue
        kind = "subhead" if line in headings or is_subhead(line) else "paragraph"
        blocks.append(Block(kind, line, number))
    return tuple(blocks)


def article_blocks(raw: bytes, document, title: str) -> tuple[Block, ...]:
    """trafilatura's article as blocks, with second opinions: readability's
    article when trafilatura's is a small part of the page's main content and
    readability's holds it all; then only the paragraphs resiliparse's main
    content vouches for (see `opinions`)."""
    import trafilatura
    from trafilatura.utils import decode_file

    html = decode_file(raw)
    main = main_content(html)
    if kept_in_part(document.text, main) and (article := readability_article(html, document.text)):
        again = trafilatura.bare_extraction(article, include_comments=False, include_tables=True)
        if again is not None and (again.text or "").strip():
            document = again
    headings = {" ".join("".join(head.itertext()).split()) for head in document.body.iter("head")}
    return vouched_blocks(body_blocks(document.text, headings, title), main, quoted_text(document.body))


def extract_page(raw: bytes, source: str, url: str = "") -> Article:
    """The article in a web page's bytes; DumpError when there is none."""
    import trafilatura  # 0.1 s to import: only when a page is converted

    document = trafilatura.bare_extraction(raw, url=url or None, with_metadata=True,
                                           include_comments=False, include_tables=True)
    if document is None or not (document.text or "").strip():
        raise DumpError(source, "no article found in this page")
    outlet = outlet_of(document.sitename, document.url, document.hostname)
    address = document.url or page_address(raw) or url
    title = headline_of(" ".join((document.title or "").split()), outlet,
                        urlparse(address).hostname or document.hostname or "", page_heading(raw))
    if not title:
        raise DumpError(source, "the page has no title")
    blocks = article_blocks(raw, document, title)
    if sum(line_words(block.text) for block in blocks) < MIN_ARTICLE_WORDS:
        raise DumpError(source, "no article found in this page")
    authors = authors_of(document.author or "", outlet)
    caption, credit = lead_caption(raw)
    return Article(
        source=source, line=1, headline=title, caption=caption, credit=credit, blocks=blocks, dropped=(),
        published=trusted_date(_published(document.date), raw, address), outlet=outlet,
        original_url=without_tracking(address), authors=authors, lang=page_language(raw),
        image=lead_image(document.image, url, source),
    )


def lead_image(image: str | None, url: str, source: str) -> str:
    """The page's lead image (its og:image, as trafilatura reads it).

    For a fetched page, its URL (fetched later, once, through the gate that
    refuses what is not http or https). For a saved page, a file on disk
    only, never the network, and only in the page's own folder (the page is
    third-party content: `../../` never reaches the editor's other files):
    the path it names, or the file of that name a browser's "save complete
    page" put in `<page>_files/`."""
    image = (image or "").strip()
    if not image or image.startswith("data:"):
        return ""
    if url:
        return urljoin(url, image)
    name = unquote(urlparse(image).path)
    page = Path(source)
    folder = page.parent.resolve()
    candidates = [page.parent / f"{page.stem}_files" / Path(name).name]
    if not urlparse(image).netloc:  # a path relative to the page
        candidates.insert(0, page.parent / name.lstrip("/"))
    found = (path.resolve() for path in candidates if path.is_file())
    return next((str(path) for path in found if path.is_relative_to(folder)), "")
