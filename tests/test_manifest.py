"""The converter skips inputs it has converted byte for byte, and only those.

`make html` converts with a manifest (its rows in cache/build.db); these run
the converter's command line the same way on scratch folders.
"""

from __future__ import annotations

import os
import re
import shutil

import buildmodel
from conftest import BAD_DUMPS, DUMPS, read_posts


def run_with_manifest(convert, raw, tmp_path, *extra):
    return convert(raw, "--output", tmp_path / "posts", "--manifest", tmp_path / "build.db", *extra)


def test_an_unchanged_dump_is_skipped_and_its_posts_stay_as_they_are(convert, seed_copy, tmp_path):
    run_with_manifest(convert, seed_copy, tmp_path)
    posts = read_posts(tmp_path / "posts")
    code, stdout, _ = run_with_manifest(convert, seed_copy, tmp_path)
    assert code == 0
    assert "0 new, 0 updated, 0 unchanged" in stdout
    assert "1 input(s) converted before, skipped" in stdout
    assert read_posts(tmp_path / "posts") == posts


def test_a_dump_touched_but_not_changed_is_still_skipped(convert, seed_copy, tmp_path):
    run_with_manifest(convert, seed_copy, tmp_path)
    dump = next(seed_copy.iterdir())
    os.utime(dump, ns=(dump.stat().st_atime_ns, dump.stat().st_mtime_ns + 10**9))
    _, stdout, _ = run_with_manifest(convert, seed_copy, tmp_path)
    assert "1 input(s) converted before, skipped" in stdout


def test_an_edited_dump_and_a_new_one_are_converted_the_others_skipped(convert, seed_copy, tmp_path):
    shutil.copy(DUMPS / "no_photo.txt", seed_copy / "no_photo.txt")
    run_with_manifest(convert, seed_copy, tmp_path)
    shutil.copy(DUMPS / "non_latin.txt", seed_copy / "non_latin.txt")
    with open(seed_copy / "no_photo.txt", "a", encoding="utf-8") as dump:
        dump.write("\nA paragraph the editor added to the last story of this dump.\n")
    code, stdout, _ = run_with_manifest(convert, seed_copy, tmp_path)
    assert code == 0
    assert "1 input(s) converted before, skipped" in stdout  # the seed; the edited and the new one were read
    assert "A paragraph the editor added" in "".join(read_posts(tmp_path / "posts").values())
    new_story = next((DUMPS.parent / "posts" / "non_latin").glob("*.md")).name
    assert (tmp_path / "posts" / new_story).exists()


def test_deleting_the_posts_with_their_list_imports_everything_again(convert, seed_copy, tmp_path):
    run_with_manifest(convert, seed_copy, tmp_path)
    posts = read_posts(tmp_path / "posts")
    shutil.rmtree(tmp_path / "posts")
    code, stdout, _ = run_with_manifest(convert, seed_copy, tmp_path)
    assert code == 0 and "2 new" in stdout and "skipped" not in stdout
    assert read_posts(tmp_path / "posts") == posts


def test_a_deleted_post_is_listed_as_removed_then_its_dump_is_skipped_again(convert, seed_copy, tmp_path):
    run_with_manifest(convert, seed_copy, tmp_path)
    victim = sorted((tmp_path / "posts").glob("*.md"))[0]
    victim.unlink()
    _, stdout, _ = run_with_manifest(convert, seed_copy, tmp_path)
    assert "1 deleted" in stdout and "skipped" not in stdout  # the dump is read again for its missing post
    removed = (tmp_path / "posts/removed.tsv").read_text(encoding="utf-8").splitlines()
    assert len([line for line in removed if not line.startswith("#")]) == 1
    _, stdout, _ = run_with_manifest(convert, seed_copy, tmp_path)
    assert "1 input(s) converted before, skipped" in stdout and not victim.exists()
    # and "re-import everything" (posts and imported.tsv deleted) keeps it deleted
    for post in (tmp_path / "posts").glob("*.md"):
        post.unlink()
    (tmp_path / "posts/imported.tsv").unlink()
    run_with_manifest(convert, seed_copy, tmp_path)
    assert not victim.exists() and len(list((tmp_path / "posts").glob("*.md"))) == 1


def test_force_and_another_date_convert_a_known_dump_again(convert, seed_copy, tmp_path):
    run_with_manifest(convert, seed_copy, tmp_path)
    _, forced, _ = run_with_manifest(convert, seed_copy, tmp_path, "--force")
    _, dated, _ = run_with_manifest(convert, seed_copy, tmp_path, "--date", "2024-05-01")
    assert "skipped" not in forced
    assert "skipped" not in dated and "2 updated" in dated


def test_a_rejected_input_is_reported_on_every_run(convert, seed_copy, tmp_path):
    shutil.copy(BAD_DUMPS / "no_article.txt", seed_copy / "no_article.txt")
    first = run_with_manifest(convert, seed_copy, tmp_path)
    second = run_with_manifest(convert, seed_copy, tmp_path)
    for code, _, stderr in (first, second):
        assert code == 1
        assert "no_article.txt" in stderr
    assert "1 input(s) converted before, skipped" in second[1]  # the seed only


def test_a_manifest_from_another_converter_or_damaged_converts_everything(convert, seed_copy, tmp_path):
    run_with_manifest(convert, seed_copy, tmp_path)
    model = tmp_path / "build.db"
    buildmodel.replace(model, "converter", "", {"converter": {"format": 2, "version": "an older converter"}})
    _, other, _ = run_with_manifest(convert, seed_copy, tmp_path)
    model.write_bytes(model.read_bytes()[:100])  # a truncated copy
    code, damaged, _ = run_with_manifest(convert, seed_copy, tmp_path)
    assert "skipped" not in other and "2 unchanged" in other
    assert code == 0 and "skipped" not in damaged and "2 unchanged" in damaged


def test_planning_trusts_a_posts_record_only_while_its_file_is_the_same(tmp_path):
    from ingest.store import read_posts

    post = tmp_path / "2025-03-04-harbour.md"
    post.write_text("Title: Harbour\nSlug: harbour\nStory: aaaa\nDate: 2025-03-04\n\nBody.\n", encoding="utf-8")
    known: dict[str, list] = {}
    assert read_posts(tmp_path, known)[post.name].slug == "harbour"
    assert known[post.name][4:] == ["harbour", "aaaa", "2025-03-04", False]
    known[post.name][4] = "from-the-record"  # what the plan believes while the file is the same
    assert read_posts(tmp_path, known)[post.name].slug == "from-the-record"
    assert "Slug: harbour" in read_posts(tmp_path, known)[post.name].text  # the text is read when asked for
    stat = post.stat()
    post.write_text("Title: Harbour\nSlug: hxrbour\nStory: aaaa\nDate: 2025-03-04\n\nBody.\n", encoding="utf-8")
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and time, as `cp -p` leaves them
    assert read_posts(tmp_path, known)[post.name].slug == "hxrbour"  # the change time tells
    post.unlink()
    assert read_posts(tmp_path, known) == {} and known == {}


def test_a_slug_an_editor_changed_by_hand_is_taken_by_the_next_import(convert, seed_copy, tmp_path):
    run_with_manifest(convert, seed_copy, tmp_path)
    shutil.copy(DUMPS / "non_latin.txt", seed_copy / "non_latin.txt")  # a plan: the manifest records every post
    run_with_manifest(convert, seed_copy, tmp_path)
    assert len(buildmodel.read(tmp_path / "build.db", "post")) >= 2
    post = sorted((tmp_path / "posts").glob("*.md"))[0]
    text = post.read_text(encoding="utf-8")
    slug = re.search(r"^Slug: (.+)$", text, re.MULTILINE).group(1)
    taken = "kenya-and-ethiopia-sign-border-water-deal"  # the slug of the story the next dump brings
    post.write_text(text.replace(f"Slug: {slug}", f"Slug: {taken}"), encoding="utf-8")
    shutil.copy(DUMPS / "no_photo.txt", seed_copy / "no_photo.txt")
    run_with_manifest(convert, seed_copy, tmp_path)
    slugs = [re.search(r"^Slug: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE).group(1)
             for path in (tmp_path / "posts").glob("*.md")]
    assert len(slugs) == len(set(slugs)) and f"{taken}-2" in slugs  # no two posts share an address


def test_a_post_renamed_by_hand_keeps_its_new_name_and_its_dump_stays_skipped(convert, seed_copy, tmp_path):
    run_with_manifest(convert, seed_copy, tmp_path)
    post = sorted((tmp_path / "posts").glob("*.md"))[0]
    renamed = post.with_name("2099-01-01-renamed-by-the-editor.md")
    post.rename(renamed)
    text = renamed.read_text(encoding="utf-8")
    _, stdout, _ = run_with_manifest(convert, seed_copy, tmp_path)
    assert "1 input(s) converted before, skipped" in stdout and "deleted" not in stdout.replace("0 deleted", "")
    assert renamed.read_text(encoding="utf-8") == text and not post.exists()
