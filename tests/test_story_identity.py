"""No story lost, none resurrected: a story is known by its body, not by its headline."""

from __future__ import annotations

import errno
from pathlib import Path

from conftest import CORPUS, SEED, header_of, read_posts

STORY = "{headline}\n\nTT\n20\n\n{headline}\n\n{body}\n"
FLOODS = "Rain fell across the coast on Thursday, May 1, 2025, and rivers rose overnight."
FIRES = "Crews fought wildfires in the hills on Thursday, May 1, 2025, as winds picked up."


def write_dump(folder: Path, name: str, headline: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(STORY.format(headline=headline, body=body), encoding="utf-8")
    return path


def titles(folder: Path) -> list[str]:
    return sorted(header_of(text)["Title"] for text in read_posts(folder).values())


def test_two_different_stories_with_one_headline_on_one_day_are_two_posts(convert, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "posts"
    write_dump(raw, "a.txt", "Storm Hits the Coast", FLOODS)
    write_dump(raw, "b.txt", "Storm Hits the Coast", FIRES)
    code, stdout, _ = convert(raw, "--output", out)
    assert code == 0 and "2 new" in stdout and "0 duplicate" in stdout
    assert sorted(read_posts(out)) == ["2025-05-01-storm-hits-the-coast-2.md", "2025-05-01-storm-hits-the-coast.md"]


def test_headlines_without_letters_both_become_posts(convert, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "posts"
    write_dump(raw, "a.txt", "..", FLOODS)
    write_dump(raw, "b.txt", "!!! ???", FIRES)
    code, stdout, _ = convert(raw, "--output", out)
    assert code == 0 and "2 new" in stdout
    assert titles(out) == ["!!! ???", ".."]


def test_the_same_body_under_the_same_headline_is_one_post(convert, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "posts"
    write_dump(raw, "a.txt", "Storm Hits the Coast", FLOODS)
    write_dump(raw, "copy.txt", "Storm Hits the Coast", FLOODS)
    _, stdout, _ = convert(raw, "--output", out)
    assert "1 new" in stdout and "1 duplicate" in stdout
    assert len(read_posts(out)) == 1


def test_a_corrected_headline_updates_its_post_and_keeps_its_address(convert, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "posts"
    dump = write_dump(raw, "a.txt", "Strom Hits the Coast", FLOODS)
    convert(raw, "--output", out)
    dump.write_text(dump.read_text(encoding="utf-8").replace("Strom", "Storm"), encoding="utf-8")
    code, stdout, _ = convert(raw, "--output", out)
    assert code == 0 and "0 new, 1 updated" in stdout
    (post,) = read_posts(out).values()
    assert header_of(post)["Title"] == "Storm Hits the Coast"
    assert header_of(post)["Slug"] == "strom-hits-the-coast"  # published addresses do not move


def test_a_corrected_body_under_the_same_headline_updates_its_post(convert, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "posts"
    dump = write_dump(raw, "a.txt", "Storm Hits the Coast", FLOODS)
    convert(raw, "--output", out)
    dump.write_text(dump.read_text(encoding="utf-8").replace("rivers rose", "two rivers rose"),
                    encoding="utf-8")
    _, stdout, _ = convert(raw, "--output", out)
    assert "0 new, 1 updated" in stdout
    (post,) = read_posts(out).values()
    assert "two rivers rose" in post


def test_reimporting_with_date_moves_the_post_and_the_date_sticks(convert, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "posts"
    write_dump(raw, "a.txt", "Storm Hits the Coast", FLOODS)
    convert(raw, "--output", out)
    _, stdout, _ = convert(raw, "--output", out, "--date", "2025-05-03")
    assert "0 new, 1 updated" in stdout
    assert list(read_posts(out)) == ["2025-05-03-storm-hits-the-coast.md"]
    # `make html` converts content/raw without --date: the editor's date stays.
    _, stdout, _ = convert(raw, "--output", out)
    assert "0 new, 0 updated, 1 unchanged" in stdout
    assert list(read_posts(out)) == ["2025-05-03-storm-hits-the-coast.md"]


def test_a_hand_edited_post_whose_story_is_corrected_is_reported_kept(convert, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "posts"
    dump = write_dump(raw, "a.txt", "Strom Hits the Coast", FLOODS)
    convert(raw, "--output", out)
    (path,) = out.glob("*.md")
    path.write_text(path.read_text(encoding="utf-8") + "\nAn editor's note.\n", encoding="utf-8")
    dump.write_text(dump.read_text(encoding="utf-8").replace("Strom", "Storm"), encoding="utf-8")
    _, stdout, _ = convert(raw, "--output", out)
    assert f"{path}: kept (edited by hand; --force replaces it)" in stdout
    assert "An editor's note." in path.read_text(encoding="utf-8")


def test_a_deleted_post_stays_deleted_until_its_line_is_removed(convert, seed_copy, tmp_path):
    out = tmp_path / "posts"
    convert(seed_copy, "--output", out)
    victim = sorted(out.glob("*.md"))[0]
    victim.unlink()
    code, stdout, _ = convert(seed_copy, "--output", out)
    assert code == 0 and "1 deleted" in stdout and f"{victim}: deleted" in stdout
    assert not victim.exists()
    removed = (out / "removed.tsv").read_text(encoding="utf-8")
    assert "Russian Missile Experts" in removed
    _, stdout, _ = convert(seed_copy, "--output", out)
    assert not victim.exists() and "0 new" in stdout and f"{victim}: deleted" not in stdout
    # Undelete: take its line out of removed.tsv.
    kept_lines = [line for line in removed.splitlines() if "Russian Missile" not in line]
    (out / "removed.tsv").write_text("\n".join(kept_lines) + "\n", encoding="utf-8")
    _, stdout, _ = convert(seed_copy, "--output", out)
    assert "1 new" in stdout and victim.exists()


def test_a_renamed_post_is_not_imported_again(convert, seed_copy, tmp_path):
    out = tmp_path / "posts"
    convert(seed_copy, "--output", out)
    post = sorted(out.glob("*.md"))[0]
    post.rename(out / "my-own-name.md")
    _, stdout, _ = convert(seed_copy, "--output", out)
    assert "0 new" in stdout and "0 deleted" in stdout
    assert len(read_posts(out)) == 2


def test_a_270_character_headline_is_a_headline_not_part_of_the_last_story(convert, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "posts"
    long_headline = ("Officials Say " + "the Long Negotiations Over Water Rights Continue " * 6).strip()[:270]
    assert len(long_headline) == 270
    dump = raw / "two.txt"
    raw.mkdir()
    dump.write_text(STORY.format(headline="Storm Hits the Coast", body=FLOODS)
                    + "\n" + STORY.format(headline=long_headline, body=FIRES), encoding="utf-8")
    code, stdout, _ = convert(raw, "--output", out)
    assert code == 0 and "2 new" in stdout
    assert long_headline in titles(out)
    storm = next(text for text in read_posts(out).values() if "Storm Hits" in text)
    assert "Water Rights" not in storm


def test_control_characters_are_removed_and_reported_with_verbose(convert, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "posts"
    dump = write_dump(raw, "a.txt", "Storm Hits the Coast", FLOODS.replace("rivers", "riv\x00ers\x08"))
    code, stdout, _ = convert(raw, "--output", out, "-v")
    assert code == 0
    assert f"{dump}:8: removed 2 control character(s)" in stdout
    (post,) = read_posts(out).values()
    assert "rivers rose" in post and "\x00" not in post and "\x08" not in post


def test_temporary_files_of_a_killed_run_are_cleaned_up(convert, seed_copy, tmp_path):
    out = tmp_path / "posts"
    out.mkdir()
    leftover = out / ".2025-01-01-x.md.k3j2h1.tmp"
    leftover.write_text("half a post")
    convert(seed_copy, "--output", out)
    assert not leftover.exists()


def test_a_full_disk_writes_no_empty_files_and_counts_only_what_was_written(
        convert, seed_copy, tmp_path, monkeypatch):
    import builtins

    from ingest import files

    room = {"posts": 38 + 14}  # the 38 stories' cards (cards.py) are written first, then room for 14 posts

    def cramped_open(file, mode="r", *args, **kwargs):
        stream = builtins.open(file, mode, *args, **kwargs)
        if "w" in mode and isinstance(file, int):  # a temporary post being written
            if room["posts"] == 0:
                stream.close()
                raise OSError(errno.ENOSPC, "No space left on device")
            room["posts"] -= 1
        return stream

    monkeypatch.setattr(files, "open", cramped_open, raising=False)
    out = tmp_path / "posts"
    code, stdout, stderr = convert(seed_copy, CORPUS, "--output", out)
    assert code == 1
    written = sorted(out.glob("*.md"))
    assert len(written) == 14
    assert all(path.stat().st_size > 0 for path in written)
    assert list(out.glob(".*.tmp")) == []
    assert "14 new" in stdout and "24 failed" in stdout
    assert stderr.count("cannot write: No space left on device") == 24 + 1  # 24 posts, imported.tsv
    # Once there is room again, the next run writes the rest.
    monkeypatch.undo()
    _, stdout, _ = convert(seed_copy, CORPUS, "--output", out)
    assert "24 new" in stdout and len(list(out.glob("*.md"))) == 38


def test_the_seed_converts_as_before(convert, tmp_path):
    _, stdout, _ = convert(SEED, "--output", tmp_path)
    assert "2 new" in stdout


def test_a_post_from_before_story_lines_gets_one_without_an_updated_date(convert, seed_copy, tmp_path):
    from ingest.render import HASH_KEY, content_hash, split_hash

    out = tmp_path / "posts"
    convert(seed_copy, "--output", out)
    for path in out.glob("*.md"):  # as the converter wrote posts before they carried `Story:`
        _, text = split_hash(path.read_text(encoding="utf-8"))
        header, body = text.split("\n\n", 1)
        header = "\n".join(line for line in header.splitlines() if not line.startswith("Story:")) + "\n"
        path.write_text(f"{header}{HASH_KEY}: {content_hash(header + chr(10) + body)}\n\n{body}", encoding="utf-8")
    (out / "imported.tsv").unlink()
    _, stdout, _ = convert(seed_copy, "--output", out)
    assert "0 new, 2 updated" in stdout
    for text in read_posts(out).values():
        assert "Story" in header_of(text) and "Modified" not in header_of(text)
