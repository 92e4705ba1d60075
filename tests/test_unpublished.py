"""Nothing unpublished leaks: a draft or a hidden post is in no sitemap, feed, listing or search index.

Pelican writes a draft (`Status: draft`) under drafts/ as a preview, and a
hidden post (`Status: hidden`) at its own address, reachable by its link
alone. Each is built here beside a published story, then every file of the
output is read (search fragments and indexes decompressed) for the words and
addresses only the unpublished posts carry. Only each post's own page may
name them.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.site

PUBLISHED = {"slug": "published-harbour", "word": "pubword", "page": "2025/03/04/published-harbour/index.html"}
# slug -> the word only it carries (in its title, tag, summary and body) and the page Pelican writes for it
UNPUBLISHED = {
    "draft-quokka": ("quokkaword", "drafts/draft-quokka.html"),
    "hidden-wombat": ("wombatword", "2025/03/04/hidden-wombat/index.html"),
    # alone in the newest month: a search bundle of its own would hold nothing else
    "hidden-dingo": ("dingoword", "2025/05/02/hidden-dingo/index.html"),
    "draft-numbat": ("numbatword", "drafts/pages/draft-numbat.html"),
    "hidden-bilby": ("bilbyword", "hidden-bilby/index.html"),
}


def story(status: str, slug: str, word: str, day: str = "2025-03-04") -> str:
    status_line = f"Status: {status}\n" if status else ""
    return (f"Title: The {word} story\nDate: {day}\nSlug: {slug}\nCategory: Europe\n"
            f"Tags: Harbour Works, Zz {word} tag\n{status_line}Summary: The {word} summary.\n\n"
            f"Body with {word} inside.\n")


def page(status: str, slug: str, word: str) -> str:
    return f"Title: The {word} page\nSlug: {slug}\nStatus: {status}\n\nThe {word} text.\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from search_index import index_site
    from sitebuild import build_site

    work = tmp_path_factory.mktemp("unpublished")
    posts = work / "posts"
    posts.mkdir()
    (posts / "published.md").write_text(story("", PUBLISHED["slug"], PUBLISHED["word"]), encoding="utf-8")
    (posts / "draft.md").write_text(story("draft", "draft-quokka", "quokkaword"), encoding="utf-8")
    (posts / "hidden.md").write_text(story("hidden", "hidden-wombat", "wombatword"), encoding="utf-8")
    (posts / "later.md").write_text(story("hidden", "hidden-dingo", "dingoword", "2025-05-02"), encoding="utf-8")
    pages = work / "content" / "pages"
    pages.mkdir(parents=True)
    (pages / "draft.md").write_text(page("draft", "draft-numbat", "numbatword"), encoding="utf-8")
    (pages / "hidden.md").write_text(page("hidden", "hidden-bilby", "bilbyword"), encoding="utf-8")
    output = build_site(sorted(posts.glob("*.md")), work)
    assert index_site(output, work / "build.db") == 0
    return output


def readable(path: Path) -> str:
    """A file's text as a reader, a crawler or a search would get it: Pagefind's
    gzipped fragments and indexes decompressed, case folded."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace").casefold()


def output_files(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): readable(path) for path in sorted(site.rglob("*")) if path.is_file()}


def test_a_draft_or_hidden_post_is_named_by_no_file_but_its_own_page(site):
    files = output_files(site)
    assert len(files) > 30 and any(name.endswith(".pf_fragment") for name in files)
    leaks = [f"{name} names {slug}"
             for slug, (word, own) in UNPUBLISHED.items()
             for name, text in files.items()
             if name != own and (word in text or slug in text or word in name or slug in name)]
    assert leaks == []


def test_the_published_story_is_in_the_sitemap_the_feeds_and_the_search_index(site):
    """The other side of the test above: the same reading finds what is published."""
    files = output_files(site)
    slug, word = PUBLISHED["slug"], PUBLISHED["word"]
    assert slug in "".join(text for name, text in files.items() if name.startswith("sitemaps/"))
    assert slug in files["news-sitemap.xml"]
    assert word in files["feeds/all.atom.xml"] and word in files["feeds/all.rss.xml"]
    assert slug in files["tag/harbour-works/index.html"] and slug in files["2025/03/04/index.html"]
    fragments = [text for name, text in files.items() if name.endswith(".pf_fragment")]
    assert [text for text in fragments if word in text]


def test_each_unpublished_page_is_written_asks_for_noindex_and_opts_out_of_search(site):
    for word, own in UNPUBLISHED.values():
        text = (site / own).read_text(encoding="utf-8")
        assert word in text
        assert '<meta name="robots" content="noindex">' in text, own
        assert "data-pagefind-body" not in text, own
    published = (site / PUBLISHED["page"]).read_text(encoding="utf-8")
    assert "noindex" not in published and '<meta name="robots" content="max-image-preview:large">' in published


def test_the_search_page_loads_a_bundle_that_exists_when_the_newest_month_is_hidden(site):
    listing = json.loads((site / "pagefind/bundles.json").read_text(encoding="utf-8"))
    # 2025-05 holds the hidden story alone: it is no bundle, and March is in its year's
    assert listing == {"primary": "2025", "bundles": ["2025"]}
    assert (site / "pagefind/2025/pagefind-entry.json").is_file()
    assert sorted(path.name for path in (site / "pagefind").iterdir()) == ["2025", "bundles.json"]
