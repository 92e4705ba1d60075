"""What an input is, told apart by its content, and the articles it holds.

    a URL                 fetched, then read as below
    a `.urls` file        one URL a line
    an RSS or Atom feed   one article per entry (entries with only a summary
                          are fetched from their link)
    a saved web page      `.html`, `.htm`: trafilatura (webpage.py)
    a text file           the dump layout when it holds most of the prose
                          (dump.py), else a page pasted from a browser (paste.py)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from .clean import Article, clean_article
from .dump import DumpError, decode_with_notes, split_articles
from .feeds import entry_article, is_feed, read_feed
from .fetch import Fetcher, is_url, read_url_list
from .paste import extract_pasted, split_pasted
from .photos import sibling_image
from .webpage import extract_page

INPUT_SUFFIXES = (".txt", ".html", ".htm", ".urls", ".xml", ".rss", ".atom")
PAGE_SUFFIXES = (".html", ".htm")
DUMP_LAYOUT_SHARE = 0.5  # of a text file's characters, in the articles the dump layout finds


@dataclass
class Found:
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each
    notes: list[str] = field(default_factory=list)  # for -v


def expand_inputs(inputs: list[str]) -> tuple[list[str], list[str]]:
    """Every input to read, in a stable order: folders give the inputs they hold,
    `.urls` files their addresses. Returns (inputs, one-line errors)."""
    items, errors = [], []
    for item in inputs:
        path = Path(item)
        if is_url(item):
            items.append(item)
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES
                           and p.is_file() and not p.name.startswith("."))
            expanded, failed = expand_inputs([str(p) for p in found])
            items += expanded
            errors += failed
        elif path.suffix.lower() == ".urls":
            try:
                listed = read_url_list(path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError) as error:
                errors.append(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}")
                continue
            items += [url for url in listed if is_url(url)]
            errors += [f"{path}: {url}: refused: only http and https addresses are fetched"
                       for url in listed if not is_url(url)]
        else:
            items.append(item)
    return items, errors


def text_articles(lines: list[str], source: str) -> list[Article]:
    """A text file's articles: the dump layout, or a pasted page."""
    try:
        raws = split_articles([" ".join(line.split()) for line in lines], source)  # tabs matter in pastes only
    except DumpError:
        raws = []  # not the dump layout: a page pasted from a browser
    # A pasted page can repeat a line the way a dump repeats its headline;
    # the dump layout is taken only when its articles hold most of the text.
    held = sum(len(line.text) for raw in raws for line in (raw.headline, *raw.header, *raw.body))
    if raws and held >= DUMP_LAYOUT_SHARE * sum(map(len, lines)):
        return [clean_article(raw) for raw in raws]
    articles = [extract_pasted(chunk, source) for chunk in split_pasted(lines)]
    articles = [article for article in articles if article is not None]
    if not articles:
        raise DumpError(source, "no article found: neither the dump layout nor a pasted page "
                                "with a headline above a run of paragraphs")
    return articles


def feed_articles(raw: bytes, source: str, url: str, found: Found, fetcher) -> None:
    """One article per entry; an entry's failure is its own one line, naming the feed."""
    outlet, entries = read_feed(raw, source, url)
    for entry in entries:
        name = f"entry {entry.title!r}" if entry.title else "an entry without a title"
        try:
            if entry.html:
                found.articles.append(entry_article(entry, outlet, source))
            elif not entry.link:
                raise DumpError(source, f"{name} has neither a story nor a link")
            elif not urlsplit(entry.link).scheme:
                raise DumpError(source, f"{name}: link {entry.link} refused: a relative link "
                                        "in a feed read from a file has no address to be resolved against")
            else:
                page = fetcher(entry.link, source)
                try:
                    article = extract_page(page.body, entry.link, url=page.url)
                except DumpError as error:
                    raise DumpError(source, str(error)) from None
                found.articles.append(replace(article, outlet=article.outlet or outlet,
                                              published=article.published or entry.published))
        except DumpError as error:
            found.errors.append(str(error))
        except Exception as error:  # hostile content: this entry fails, the others go on
            found.errors.append(unexpected(f"{source}: {name}", error))


def unexpected(source: str, error: Exception) -> str:
    """An error no rule foresaw, as the one line the editor sees."""
    return " ".join(f"{source}: unexpected error ({type(error).__name__}: {error})".split())


_DEFAULT_FETCHER = Fetcher()  # for callers that bring none: no private address, one memo for the process


def read_input(item: str, fetcher=None) -> Found:
    """The articles in one input, with one-line errors and -v notes; whatever
    the input holds, its failure is its own one line, never the run's."""
    fetcher = fetcher or _DEFAULT_FETCHER
    found = Found()
    try:
        if is_url(item):
            page = fetcher(item, item, typed=True)
            raw, source, url = page.body, item, page.url
        else:
            source, url = item, ""
            try:
                raw = Path(item).read_bytes()
            except OSError as error:
                raise DumpError(item, f"cannot read: {error.strerror or error}") from None
        if is_feed(raw):
            feed_articles(raw, source, url, found, fetcher)
        elif url or Path(item).suffix.lower() in PAGE_SUFFIXES:
            found.articles.append(extract_page(raw, source, url=url))
        else:
            lines, found.notes = decode_with_notes(raw, source, keep_tabs=True)
            articles = text_articles(lines, source)
            image = sibling_image(Path(item))
            if image:  # named like the dump: its first story's lead photo
                articles[0] = replace(articles[0], image=str(image))
            found.articles += articles
    except DumpError as error:
        found.errors.append(str(error))
    except Exception as error:  # hostile content: this input fails, the others go on
        found.errors.append(unexpected(item, error))
    return found
