"""The converter end to end: golden posts, idempotency, hand edits, bad input."""

import os
import subprocess
import sys

import pytest
from conftest import BAD_DUMPS, DUMPS, FIXTURES, ROOT, SEED, body_of, header_of, read_posts


@pytest.mark.parametrize("dump", sorted(DUMPS.glob("*.txt")), ids=lambda p: p.stem)
def test_fixture_dump_converts_to_its_golden_posts(dump, convert, tmp_path):
    code, out, err = convert(dump, "--output", tmp_path)
    assert (code, err) == (0, "")
    assert read_posts(tmp_path) == read_posts(FIXTURES / "posts" / dump.stem)


def test_committed_articles_equal_a_fresh_conversion_of_content_raw(convert, tmp_path):
    code, _, _ = convert(ROOT / "content" / "raw", "--output", tmp_path)
    assert code == 0
    committed = read_posts(ROOT / "content" / "articles")
    assert committed and read_posts(tmp_path) == committed


def test_seed_yields_exactly_two_posts_with_full_metadata(convert, seed_copy, tmp_path):
    out = tmp_path / "posts"
    convert(seed_copy, "--output", out)
    posts = read_posts(out)
    assert len(posts) == 2
    first, second = (header_of(text) for text in posts.values())
    assert first["Title"] == "Russian Missile Experts Flew to Iran amid Clashes with Israel"
    assert first["Credit"] == "Majid Asgaripour/WANA (West Asia News Agency) via REUTERS"
    assert first["Caption"].endswith("in Tehran, Iran, April 17, 2024.")
    assert second["Slug"] == "south-korea-will-hold-presidential-election-june-3-to-choose-yoons-successor"
    assert second["Credit"] == "AP" and second["Date"] == "2025-04-08"
    assert len(second["Summary"]) <= 300
    for text in posts.values():
        header = header_of(text)
        assert header["Caption"] not in body_of(text)
        assert header["Credit"] not in body_of(text)
        assert not body_of(text).startswith(header["Title"])
        for key in ("Places", "People", "Organizations"):
            assert set(header.get(key, "").split(", ")) - {""} <= set(header["Tags"].split(", "))


def test_conversion_is_byte_identical_across_runs_and_folders(convert, seed_copy, tmp_path):
    convert(seed_copy, "--output", tmp_path / "a")
    convert(seed_copy, "--output", tmp_path / "b")
    assert read_posts(tmp_path / "a") == read_posts(tmp_path / "b")


def test_second_run_leaves_every_post_untouched(convert, seed_copy, tmp_path):
    out = tmp_path / "posts"
    convert(seed_copy, "--output", out)
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    code, stdout, _ = convert(seed_copy, "--output", out)
    assert code == 0
    assert stdout.strip().endswith(
        f"0 new, 0 updated, 2 unchanged, 0 duplicate, 0 kept, 0 deleted, 0 failed, 0 rejected ({out})")
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes


def test_same_article_in_another_dump_is_a_duplicate_not_a_second_post(convert, seed_copy, tmp_path):
    (seed_copy / "copy-of-seed.txt").write_bytes(SEED.read_bytes())
    out = tmp_path / "posts"
    code, stdout, _ = convert(seed_copy, "--output", out)
    assert code == 0 and "2 new, 0 updated, 0 unchanged, 2 duplicate" in stdout
    assert len(read_posts(out)) == 2


def test_hand_edited_post_is_kept_and_force_replaces_it(convert, seed_copy, tmp_path):
    out = tmp_path / "posts"
    convert(seed_copy, "--output", out)
    post = sorted(out.glob("*.md"))[0]
    edited = post.read_text(encoding="utf-8").replace("Several senior", "Several SENIOR (edited)")
    post.write_text(edited, encoding="utf-8")

    code, stdout, _ = convert(seed_copy, "--output", out)
    assert "1 kept" in stdout and f"{post}: kept" in stdout
    assert post.read_text(encoding="utf-8") == edited

    code, stdout, _ = convert(seed_copy, "--output", out, "--force")
    assert "1 updated" in stdout
    assert "(edited)" not in post.read_text(encoding="utf-8")


def test_changed_story_is_updated_with_a_modified_date(convert, seed_copy, tmp_path, monkeypatch):
    out = tmp_path / "posts"
    convert(seed_copy, "--output", out)
    dump = seed_copy / SEED.name
    dump.write_text(dump.read_text(encoding="utf-8").replace(
        "Reuters was unable to determine what the seven were doing in Iran.",
        "Reuters was unable to determine what the seven were doing in Iran, officials said."),
        encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    code, stdout, _ = convert(seed_copy, "--output", out)
    assert "0 new, 1 updated, 1 unchanged" in stdout
    posts = {name: header_of(text) for name, text in read_posts(out).items()}
    russian = posts["2024-04-17-russian-missile-experts-flew-to-iran-amid-clashes-with-israel.md"]
    assert russian["Modified"] == "2026-01-01"
    # The updated post is ours again: a third run leaves it alone.
    _, stdout, _ = convert(seed_copy, "--output", out)
    assert "0 updated, 2 unchanged" in stdout


def test_different_story_with_the_same_slug_gets_a_suffix(convert, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    story = "Floods Hit the Coast\n\nTT\n20\n\nFloods Hit the Coast\n\n{body}\n"
    (raw / "a.txt").write_text(story.format(body="Rain fell on May 1, 2025."), encoding="utf-8")
    (raw / "b.txt").write_text(story.format(body="More rain fell on May 9, 2025."), encoding="utf-8")
    convert(raw, "--output", tmp_path / "posts")
    slugs = sorted(header_of(t)["Slug"] for t in read_posts(tmp_path / "posts").values())
    assert slugs == ["floods-hit-the-coast", "floods-hit-the-coast-2"]


def test_dry_run_writes_nothing(convert, seed_copy, tmp_path):
    code, stdout, _ = convert(seed_copy, "--output", tmp_path / "posts", "--dry-run")
    assert code == 0 and stdout.startswith("dry run: 2 new")
    assert not (tmp_path / "posts").exists()


def test_verbose_lists_every_dropped_line_and_why(convert, seed_copy, tmp_path):
    _, stdout, _ = convert(seed_copy, "--output", tmp_path / "posts", "-v")
    assert f"{seed_copy / SEED.name}:5: dropped (interface noise): TT" in stdout
    assert "dropped (photo caption repeated)" in stdout


def test_bad_inputs_get_one_line_errors_and_the_rest_still_converts(convert, seed_copy, tmp_path):
    for bad in BAD_DUMPS.iterdir():
        (seed_copy / bad.name).write_bytes(bad.read_bytes())
    missing = tmp_path / "missing.txt"
    code, stdout, stderr = convert(seed_copy, missing, "--output", tmp_path / "posts")
    assert code == 1
    errors = stderr.strip().splitlines()
    assert sorted(errors) == sorted([
        f"error: {seed_copy / 'empty.txt'}: empty file, no article to convert",
        f"error: {seed_copy / 'no_article.txt'}: no article found: neither the dump layout "
        "nor a pasted page with a headline above a run of paragraphs",
        f"error: {seed_copy / 'no_date.txt'}:1: no date found for 'Village Festival Draws Record Crowd' "
        "(none in the caption or body); give one with --date YYYY-MM-DD",
        f"error: {seed_copy / 'not_utf8.txt'}:3: not UTF-8 text (byte 0xe9)",
        f"error: {missing}: cannot read: No such file or directory",
    ])
    assert "2 new" in stdout and "5 rejected" in stdout
    assert len(read_posts(tmp_path / "posts")) == 2


def test_command_line_never_shows_a_traceback_and_exits_2_on_usage_errors(tmp_path):
    script = ROOT / "scripts" / "convert_articles.py"

    def run(*args):
        return subprocess.run([sys.executable, script, *args], capture_output=True, text=True, cwd=tmp_path)

    bad = run(str(BAD_DUMPS), "--output", str(tmp_path / "posts"))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    usage = run("--date", "08/04/2025")
    assert usage.returncode == 2 and "not a date in YYYY-MM-DD form" in usage.stderr


def test_interrupted_write_leaves_the_old_post_whole(convert, seed_copy, tmp_path, monkeypatch):
    from ingest import files

    out = tmp_path / "posts"
    convert(seed_copy, "--output", out)
    before = read_posts(out)
    dump = seed_copy / SEED.name
    dump.write_text(dump.read_text(encoding="utf-8").replace("Yoon", "Yoon Suk Yeol"), encoding="utf-8")

    def killed(*args):
        raise KeyboardInterrupt  # as if the process died between write and rename

    monkeypatch.setattr(files.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        convert(seed_copy, "--output", out)
    assert read_posts(out) == before
    assert sorted(os.listdir(out)) == sorted([*before, "imported.tsv"])  # no temporary file left
