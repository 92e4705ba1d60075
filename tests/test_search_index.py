"""The search index in bundles by period: only what changed is indexed again.

The pages here are minimal story pages written by the tests, at the
addresses Pelican gives stories (YYYY/MM/DD/slug/index.html).
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

from search_index import bundle_months, index_site


def story(output: Path, day: str, slug: str, words: str) -> Path:
    page = output / day.replace("-", "/") / slug / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<!doctype html><html lang=en><head><title>{slug}</title></head>"
                    f"<body><main data-pagefind-body><h1>{slug}</h1><p>{words}</p></main></body></html>",
                    encoding="utf-8")
    return page


def listed_urls(output: Path, bundle: str) -> list[str]:
    urls = []
    for fragment in sorted((output / "pagefind" / bundle / "fragment").iterdir()):
        text = gzip.decompress(fragment.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd")
        urls.append(json.loads(text)["url"])
    return sorted(urls)


def entry_times(output: Path) -> dict[str, int]:
    return {entry.parent.name: entry.stat().st_mtime_ns
            for entry in (output / "pagefind").glob("*/pagefind-entry.json")}


def test_every_year_is_one_bundle_and_the_newest_month_is_apart():
    pages = [f"{month}/01/story/index.html" for month in
             ("2022/03", "2023/02", "2023/11", "2024/01", "2024/02", "2024/03", "2024/04", "2024/05")]
    assert bundle_months(pages) == {
        "2022": ["2022/03"],
        "2023": ["2023/02", "2023/11"],
        "2024": ["2024/01", "2024/02", "2024/03", "2024/04"],
        "2024-05": ["2024/05"],
    }
    assert bundle_months([]) == {}


def test_a_past_year_too_large_for_one_run_is_bundled_by_quarter(monkeypatch):
    import search_index

    monkeypatch.setattr(search_index, "YEAR_BUNDLE_MAX", 2)
    pages = [f"2023/{month}/0{day}/story/index.html" for month in ("02", "11") for day in (1, 2)]
    assert bundle_months([*pages, "2024/01/01/story/index.html"]) == {
        "2023-q1": ["2023/02"], "2023-q4": ["2023/11"], "2024-01": ["2024/01"]}


def test_every_bundle_holds_its_own_stories_and_the_listing_names_the_newest_first(tmp_path):
    output = tmp_path / "output"
    story(output, "2024-01-05", "winter-floods", "floods")
    story(output, "2024-02-11", "harbour-strike", "strike")
    story(output, "2024-04-02", "spring-budget", "budget")
    story(output, "2024-05-20", "rail-tender", "tender")
    assert index_site(output, tmp_path / "build.db") == 0
    story(output, "2023-11-30", "autumn-vote", "vote")
    assert index_site(output, tmp_path / "build.db") == 0
    assert listed_urls(output, "2024") == ["/2024/01/05/winter-floods/", "/2024/02/11/harbour-strike/",
                                          "/2024/04/02/spring-budget/"]
    assert listed_urls(output, "2023") == ["/2023/11/30/autumn-vote/"]
    assert listed_urls(output, "2024-05") == ["/2024/05/20/rail-tender/"]
    listing = json.loads((output / "pagefind/bundles.json").read_text())
    assert listing == {"primary": "2024-05", "bundles": ["2024-05", "2024", "2023"]}
    for bundle in listing["bundles"]:  # what the search page loads, and none of Pagefind's own interfaces
        files = {path.name for path in (output / "pagefind" / bundle).iterdir()}
        assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind"} <= files
        assert not {name for name in files if "-ui" in name or "highlight" in name}


def test_a_new_story_reindexes_its_own_bundle_and_no_other(tmp_path):
    output, state = tmp_path / "output", tmp_path / "build.db"
    story(output, "2024-01-05", "winter-floods", "floods")
    story(output, "2024-05-20", "rail-tender", "tender")
    index_site(output, state)
    before = entry_times(output)
    story(output, "2024-05-21", "port-reopens", "port")
    assert index_site(output, state) == 0
    after = entry_times(output)
    assert after["2024"] == before["2024"]
    assert after["2024-05"] != before["2024-05"]
    assert listed_urls(output, "2024-05") == ["/2024/05/20/rail-tender/", "/2024/05/21/port-reopens/"]
    assert index_site(output, state) == 0
    assert entry_times(output) == after  # nothing changed: nothing indexed


def test_a_page_rewritten_with_the_same_bytes_is_not_indexed_again(tmp_path):
    """Pages are known by their content's hash (a neighbour's page rendered again to the
    same bytes, a restored copy with new times), not by their times."""
    output, state = tmp_path / "output", tmp_path / "build.db"
    page = story(output, "2024-05-20", "rail-tender", "tender")
    index_site(output, state)
    before = entry_times(output)
    page.write_bytes(page.read_bytes())
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    assert index_site(output, state) == 0
    assert entry_times(output) == before
    page.write_text(page.read_text(encoding="utf-8").replace("tender", "tenders"), encoding="utf-8")
    assert index_site(output, state) == 0
    assert entry_times(output) != before


def test_a_new_month_folds_the_last_one_into_its_year_and_removes_its_bundle(tmp_path):
    output, state = tmp_path / "output", tmp_path / "build.db"
    story(output, "2024-04-30", "spring-budget", "budget")
    story(output, "2024-05-20", "rail-tender", "tender")
    index_site(output, state)
    story(output, "2024-06-01", "summer-drought", "drought")
    assert index_site(output, state) == 0
    assert sorted(path.name for path in (output / "pagefind").iterdir() if path.is_dir()) == ["2024", "2024-06"]
    assert listed_urls(output, "2024") == ["/2024/04/30/spring-budget/", "/2024/05/20/rail-tender/"]


def test_a_removed_story_leaves_its_bundle_and_an_emptied_bundle_goes(tmp_path):
    output, state = tmp_path / "output", tmp_path / "build.db"
    story(output, "2024-01-05", "winter-floods", "floods")
    old = story(output, "2024-02-11", "harbour-strike", "strike")
    story(output, "2024-05-20", "rail-tender", "tender")
    index_site(output, state)
    old.unlink()
    index_site(output, state)
    assert listed_urls(output, "2024") == ["/2024/01/05/winter-floods/"]
    (output / "2024/01/05/winter-floods/index.html").unlink()
    index_site(output, state)
    assert not (output / "pagefind/2024").exists()
    assert json.loads((output / "pagefind/bundles.json").read_text())["bundles"] == ["2024-05"]


def test_an_index_of_an_older_build_is_replaced_and_a_lost_state_reindexes_all(tmp_path):
    output, state = tmp_path / "output", tmp_path / "build.db"
    story(output, "2024-05-20", "rail-tender", "tender")
    (output / "pagefind/fragment").mkdir(parents=True)
    (output / "pagefind/pagefind-entry.json").write_text("{}")  # the single index of older builds
    assert index_site(output, state) == 0
    assert sorted(path.name for path in (output / "pagefind").iterdir()) == [
        "2024-05", "bundles.json"]
    before = entry_times(output)
    state.unlink()
    index_site(output, state)
    assert entry_times(output) != before


def test_a_bundle_indexed_again_is_swapped_in_before_the_old_one_is_deleted(tmp_path, monkeypatch):
    """Rename aside, rename in, delete: a reader's search never meets a deleted live bundle."""
    import shutil

    output, state = tmp_path / "output", tmp_path / "build.db"
    story(output, "2024-05-20", "rail-tender", "tender")
    index_site(output, state)
    live = output / "pagefind" / "2024-05"
    deleted = []
    rmtree = shutil.rmtree

    def watched(path, *args, **kwargs):
        if Path(path).exists():
            deleted.append((Path(path).name, (live / "pagefind-entry.json").is_file()))
        rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", watched)
    story(output, "2024-05-21", "port-reopens", "port")
    assert index_site(output, state) == 0
    assert deleted == [(".2024-05.old", True)]  # only the old bundle, once the new one was in
    assert listed_urls(output, "2024-05") == ["/2024/05/20/rail-tender/", "/2024/05/21/port-reopens/"]
    assert sorted(path.name for path in (output / "pagefind").iterdir()) == ["2024-05", "bundles.json"]


def test_a_translation_beside_its_original_is_searched_in_the_same_bundle(tmp_path):
    output = tmp_path / "output"
    story(output, "2024-05-20", "rail-tender", "tender")
    translation = output / "2024/05/20/rail-tender/fr/index.html"
    translation.parent.mkdir()
    translation.write_text("<!doctype html><html lang=fr><head><title>appel</title></head>"
                           "<body><main data-pagefind-body><h1>Appel d'offres</h1><p>ferroviaire</p></main>"
                           "</body></html>", encoding="utf-8")
    assert index_site(output, tmp_path / "build.db") == 0
    assert listed_urls(output, "2024-05") == ["/2024/05/20/rail-tender/", "/2024/05/20/rail-tender/fr/"]


def test_a_story_hidden_after_it_was_searched_leaves_the_index_with_its_bundle(tmp_path):
    output = tmp_path / "output"
    story(output, "2024-01-05", "winter-floods", "floods")
    secret = story(output, "2024-05-20", "rail-tender", "tenderword")
    assert index_site(output, tmp_path / "build.db") == 0
    assert listed_urls(output, "2024-05") == ["/2024/05/20/rail-tender/"]
    # Status: hidden: the theme writes its page without data-pagefind-body
    secret.write_text(secret.read_text(encoding="utf-8").replace(" data-pagefind-body", ""), encoding="utf-8")
    assert index_site(output, tmp_path / "build.db") == 0
    assert not (output / "pagefind/2024-05").exists()
    listing = json.loads((output / "pagefind/bundles.json").read_text())
    assert listing == {"primary": "2024", "bundles": ["2024"]}
    assert index_site(output, tmp_path / "build.db") == 0  # and on every run after
    assert not (output / "pagefind/2024-05").exists()
