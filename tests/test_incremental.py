"""Rebuilds render only what changed, and end exactly where a clean build would."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import convert_corpus
from sitebuild import build_site
from test_quality import differing_files

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def posts(tmp_path_factory) -> list[Path]:
    return convert_corpus(tmp_path_factory.mktemp("posts"))


def rebuild(posts: list[Path], work: Path) -> Path:
    """Build again into the same output and cache, as `make html` does: posts
    that did not change keep their file times, so the reader cache is used."""
    articles = work / "content" / "articles"
    names = {post.name for post in posts}
    for stale in articles.glob("*.md") if articles.is_dir() else []:
        if stale.name not in names:
            stale.unlink()
    return build_site(posts, work, override={"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True})


def snapshot(output: Path) -> dict[str, int]:
    return {p.relative_to(output).as_posix(): p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}


def test_rebuild_with_nothing_changed_rewrites_no_page(posts, tmp_path):
    output = rebuild(posts, tmp_path)
    before = snapshot(output)
    rebuild(posts, tmp_path)
    after = snapshot(output)
    pages = [name for name in before if name.endswith((".html", ".xml"))]  # sitemaps too: written only when changed
    assert len(pages) > 200
    assert [name for name in pages if after[name] != before[name]] == []


def test_rebuild_after_one_new_story_equals_a_clean_build(posts, tmp_path):
    newest = max(posts, key=lambda p: p.name)
    rebuild([p for p in posts if p != newest], tmp_path / "incremental")
    incremental = rebuild(posts, tmp_path / "incremental")
    clean = build_site(posts, tmp_path / "clean")
    assert differing_files(incremental, clean) == []


def test_rebuild_after_a_removed_story_deletes_its_pages_and_equals_a_clean_build(posts, tmp_path):
    removed = next(p for p in posts if "germany-weighs-defence" in p.name)
    kept = [p for p in posts if p != removed]
    first = rebuild(posts, tmp_path / "incremental")
    day, slug = removed.stem[:10], removed.stem[11:]  # posts are named DATE-SLUG.md
    page = first / day.replace("-", "/") / slug / "index.html"
    assert page.is_file()
    incremental = rebuild(kept, tmp_path / "incremental")
    clean = build_site(kept, tmp_path / "clean")
    assert not page.exists() and not page.parent.exists()
    assert differing_files(incremental, clean) == []


def test_rebuild_after_an_edited_story_equals_a_clean_build(posts, tmp_path):
    work = tmp_path / "incremental"
    rebuild(posts, work)
    edited_folder = tmp_path / "edited"
    edited_folder.mkdir()
    edited = []
    for post in posts:
        target = edited_folder / post.name
        text = post.read_text(encoding="utf-8")
        if "germany-weighs-defence" in post.name:
            text = text.replace("Title: Germany Weighs", "Title: Germany Still Weighs")
        target.write_text(text, encoding="utf-8")
        edited.append(target)
    incremental = rebuild(edited, work)
    clean = build_site(edited, tmp_path / "clean")
    assert differing_files(incremental, clean) == []
    assert "Germany Still Weighs" in (incremental / "tag/germany/index.html").read_text()


def test_no_template_reads_a_name_the_writer_leaves_out_of_its_fingerprints():
    """The writer does not fingerprint UNUSED_KWARGS; a template that starts to
    read one of them would get stale pages, so this fails first."""
    from conftest import ROOT
    from jinja2 import Environment, FileSystemLoader, meta
    from newsroom.assets import ThemeAssets
    from newsroom.coverage import per_month
    from newsroom.incremental import UNUSED_KWARGS

    environment = Environment(loader=FileSystemLoader(ROOT / "theme" / "templates"))
    environment.filters["per_month"] = per_month
    environment.filters["asset"] = ThemeAssets(str(ROOT / "theme"), "theme").url
    read = {}
    for name in environment.list_templates():
        source = environment.loader.get_source(environment, name)[0]
        read[name] = meta.find_undeclared_variables(environment.parse(source))
    assert len(read) > 10 and "articles_page" in read["category.html"]  # the scan sees what templates read
    assert {name: sorted(names & UNUSED_KWARGS) for name, names in read.items() if names & UNUSED_KWARGS} == {}
    # A listing page is fingerprinted by its own stories (`listing`, `articles_page`);
    # `articles` there would be the whole site's, and its pages would go stale.
    listings = ("tag.html", "category.html", "source.html", "period_archives.html", "pagination.html")
    assert {name: sorted(read[name] & {"articles", "dates"}) for name in listings} == dict.fromkeys(listings, [])


def test_a_photo_removed_from_content_leaves_the_output_as_a_removed_page_does(tmp_path):
    """The deploy mirrors output/: a photo file nobody ships any more must not stay there."""
    from conftest import FIXTURES
    from sitebuild import build_site

    posts = sorted((FIXTURES / "posts" / "no_photo").glob("*.md"))
    images = tmp_path / "site/content/images"
    images.mkdir(parents=True)
    (images / "old-story-0123456789-480.webp").write_bytes(b"RIFF0000WEBP")
    output = build_site(posts, tmp_path / "site")
    assert (output / "images/old-story-0123456789-480.webp").is_file()
    (images / "old-story-0123456789-480.webp").unlink()
    build_site(posts, tmp_path / "site")
    assert not (output / "images/old-story-0123456789-480.webp").exists()
    assert next(output.glob("2025/03/03/*/index.html")).is_file()


def test_a_translation_added_later_links_its_original_as_a_clean_build_does(posts, tmp_path):
    original = next(p for p in posts if "germany-weighs-defence" in p.name)
    text = original.read_text(encoding="utf-8")
    header = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in text.split("\n\n", 1)[0].splitlines()
              if ":" in line}
    translation = tmp_path / "translation.md"
    translation.write_text(f"Title: L'Allemagne pèse sa défense\nDate: {header['Date']}\nSlug: {header['Slug']}\n"
                           "Lang: fr\n\nLe texte en français.\n", encoding="utf-8")
    rebuild(posts, tmp_path / "incremental")
    incremental = rebuild([*posts, translation], tmp_path / "incremental")
    clean = build_site([*posts, translation], tmp_path / "clean")
    assert differing_files(incremental, clean) == []
    day = header["Date"][:10].replace("-", "/")
    assert 'hreflang="fr"' in (incremental / day / header["Slug"] / "index.html").read_text(encoding="utf-8")


def test_new_tag_addresses_in_the_settings_reach_every_page_of_a_warm_build(posts, tmp_path):
    """A cached tag carries the settings it was read with: a warm build under new
    TAG_URL/TAG_SAVE_AS must not link or write the old addresses."""
    topics = {"TAG_URL": "topic/{slug}/", "TAG_SAVE_AS": "topic/{slug}/index.html"}
    rebuild(posts, tmp_path / "incremental")
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    incremental = build_site(posts, tmp_path / "incremental", override={**cached, **topics})
    clean = build_site(posts, tmp_path / "clean", override=topics)
    assert differing_files(incremental, clean) == []
    assert (incremental / "topic").is_dir() and not (incremental / "tag").exists()


def test_a_site_with_no_story_has_the_same_feeds_on_every_build(tmp_path):
    first = (build_site([], tmp_path / "first") / "feeds/all.atom.xml").read_bytes()
    second = (build_site([], tmp_path / "second") / "feeds/all.atom.xml").read_bytes()
    assert b"<entry>" not in first
    assert first == second


def test_a_build_killed_while_removing_stale_pages_leaves_no_empty_folder_for_the_next(posts, tmp_path):
    """A build killed after deleting a stale page and before saving its ledger
    leaves the page's folder empty; the next build removes it, as a clean
    build never makes it."""
    topics = {"TAG_URL": "topic/{slug}/", "TAG_SAVE_AS": "topic/{slug}/index.html"}
    first = rebuild(posts, tmp_path / "incremental")
    for page in (first / "tag").rglob("index.html"):
        page.unlink()  # what the killed build had done
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    incremental = build_site(posts, tmp_path / "incremental", override={**cached, **topics})
    assert not (incremental / "tag").exists()
    assert differing_files(incremental, build_site(posts, tmp_path / "clean", override=topics)) == []
