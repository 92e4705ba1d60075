"""Progress you can see: each long stage draws a bar on a terminal, and nothing else changes.

Each stage runs as the editor runs it (the command line, under a
pseudo-terminal), on a few hundred synthetic stories or files: the terminal
shows the stage's bar ending at N/N. The same run with CI set, or with
stderr sent to a file, shows no bar and says the same lines otherwise.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from conftest import ROOT
from synthetic import write_archive
from test_deploy import endpoint, store  # noqa: F401 - the local S3 server, and a fresh bucket on it
from test_search_index import story

SCRIPTS = ROOT / "scripts"
PELICAN = str(Path(sys.executable).with_name("pelican"))
STORIES = 250  # above the threshold of 200 a bar needs
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SPINNER = re.compile(r"^[\u2800-\u28ff] Generating\.\.\.$")  # Pelican's own "Generating..." on a terminal
BAR = re.compile(r"^(converting|converting posts on \d+ cores|reading posts|rendering pages|indexing search bundles"
                 r"|hashing|uploading):")
TIMING = re.compile(r"\d+\.\d\d seconds")


def run_on_terminal(command: list[str], cwd: Path, stderr_to: Path | None = None, **env: str) -> str:
    """What the terminal shows (stdout and stderr on one pseudo-terminal; stderr to a file when asked)."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))  # a terminal 200 columns wide
    environment = {name: value for name, value in os.environ.items() if name != "CI"} | {"COLUMNS": "200", **env}
    with open(stderr_to, "wb") if stderr_to else open(os.devnull, "wb") as errors:
        process = subprocess.Popen(command, cwd=cwd, env=environment, stdin=subprocess.DEVNULL, stdout=child,
                                   stderr=errors if stderr_to else child)
        os.close(child)
        shown = bytearray()
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        os.close(main)
        assert process.wait() in (0, 1), shown.decode(errors="replace")[-2000:]
    return ANSI.sub("", shown.decode("utf-8", errors="replace"))


def segments(shown: str) -> list[str]:
    """Every piece of text the terminal drew, line by line and redraw by redraw."""
    return [piece.strip() for line in shown.split("\n") for piece in line.split("\r") if piece.strip()]


def bar_frames(shown: str, stage: str) -> list[str]:
    return [piece for piece in segments(shown) if piece.startswith(f"{stage}:")]


def said(shown: str) -> list[str]:
    """The lines a run says, bars and Pelican's spinner aside, timings blanked."""
    return [TIMING.sub("N seconds", piece) for piece in segments(shown)
            if not BAR.match(piece) and not SPINNER.match(piece)]


def finished(frames: list[str], count: int | None = None) -> bool:
    """Whether one of the frames shows the bar complete (at `count` when given)."""
    done = [match for frame in frames for match in re.findall(r"\b(\d+)/(\d+)\b", frame) if match[0] == match[1]]
    return bool(done) and (count is None or str(count) in {n for n, _ in done})


# ---- the converter ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dumps(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("progress") / "raw"
    write_archive(raw, STORIES)
    return raw


def convert_command(raw: Path, posts: Path) -> list[str]:
    return [sys.executable, str(SCRIPTS / "convert_articles.py"), str(raw), "--output", str(posts)]


def test_the_converter_shows_its_bar_on_a_terminal_and_none_in_ci(dumps, tmp_path):
    files = len(list(dumps.glob("*.txt")))
    shown = run_on_terminal(convert_command(dumps, tmp_path / "a"), tmp_path)
    assert finished(bar_frames(shown, "converting"), files), shown[-1500:]
    in_ci = run_on_terminal(convert_command(dumps, tmp_path / "b"), tmp_path, CI="true")
    assert not bar_frames(in_ci, "converting")
    assert said(in_ci) == [line.replace("/a)", "/b)") for line in said(shown)]


# ---- the site build: converting, reading, rendering -----------------------------------------------------------


def pelican_command(site: Path) -> list[str]:
    """`pelican content` as make html runs it, on a small site; every new post converted on every core."""
    return [PELICAN, "content", "-s", str(ROOT / "pelican.conf.py"), "-o", "output",
            "-e", "PARALLEL_READ_MIN_FILES=10", f'CACHE_PATH="{site / "cache"}"']


@pytest.fixture(scope="module")
def site(dumps, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    subprocess.run(convert_command(dumps, site / "content" / "articles"), check=True, capture_output=True)
    shutil.copytree(ROOT / "content" / "pages", site / "content" / "pages")
    return site


def cold_build(site: Path, stderr_to: Path | None = None, **env: str) -> str:
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / "cache", ignore_errors=True)
    return run_on_terminal(pelican_command(site), site, stderr_to, **env)


@pytest.fixture(scope="module")
def builds(site, tmp_path_factory) -> dict[str, str]:
    """What the terminal showed for a cold build, a warm one, a cold one in CI and one with stderr to a file."""
    errors = tmp_path_factory.mktemp("stderr") / "stderr.txt"
    shown = {"cold": cold_build(site)}
    shown["warm"] = run_on_terminal(pelican_command(site), site)
    shown["ci"] = cold_build(site, CI="true")
    shown["piped"] = cold_build(site, stderr_to=errors)
    shown["piped stderr"] = ANSI.sub("", errors.read_text(encoding="utf-8", errors="replace"))
    return shown


@pytest.mark.site
def test_a_cold_build_shows_converting_reading_and_rendering_and_ends_the_bars_before_done(builds):
    shown = builds["cold"]
    if len(os.sched_getaffinity(0)) >= 2:
        assert finished([f for f in segments(shown) if re.match(r"converting posts on \d+ cores:", f)], STORIES)
    assert finished(bar_frames(shown, "reading posts"), STORIES), shown[-1500:]
    rendering = bar_frames(shown, "rendering pages")
    assert finished(rendering), shown[-1500:]
    # The bar ends at the true count (no ledger yet: no estimate), before Pelican's last line.
    last = max(i for i, piece in enumerate(segments(shown)) if piece in rendering and finished([piece]))
    done = next(i for i, piece in enumerate(segments(shown)) if piece.startswith("Done:"))
    assert last < done


@pytest.mark.site
def test_a_warm_build_counts_the_pages_kept_out_of_the_last_builds_total(builds):
    frames = bar_frames(builds["warm"], "rendering pages")
    totals = {total for frame in frames for _, total in re.findall(r"\b(\d+)/(\d+)\b", frame)}
    assert len(totals) == 1, frames  # the last build's count, from the first frame on
    assert finished(frames) and re.search(r"\b0 rendered, (\d+) kept", frames[-1]), frames[-3:]


@pytest.mark.site
def test_a_build_in_ci_or_with_stderr_to_a_file_shows_no_bar_and_says_the_same(builds):
    for run in ("ci", "piped", "piped stderr"):
        assert not [piece for piece in segments(builds[run]) if BAR.match(piece)], run
    assert said(builds["ci"]) == said(builds["cold"])
    assert said(builds["piped"]) + said(builds["piped stderr"]) == said(builds["cold"])


# ---- the search index ---------------------------------------------------------------------------------------


def search_site(where: Path) -> Path:
    output = where / "output"
    for day in ("2023-05-02", "2024-01-03", "2024-02-04"):  # three bundles: 2023, 2024, 2024-02
        story(output, day, f"story-{day}", f"words of {day}")
    return output


def index_command(output: Path) -> list[str]:
    return [sys.executable, str(SCRIPTS / "search_index.py"), str(output), "--model", str(output.parent / "build.db")]


def test_indexing_shows_a_bar_over_the_bundles_on_a_terminal_and_none_in_ci(tmp_path):
    shown = run_on_terminal(index_command(search_site(tmp_path / "tty")), tmp_path)
    assert finished(bar_frames(shown, "indexing search bundles"), 3), shown
    in_ci = run_on_terminal(index_command(search_site(tmp_path / "ci")), tmp_path, CI="true")
    piped = run_on_terminal(index_command(search_site(tmp_path / "piped")), tmp_path, tmp_path / "err.txt")
    assert segments(in_ci) == segments(piped) == said(shown) == []
    assert (tmp_path / "err.txt").read_text() == ""


# ---- the deploy ---------------------------------------------------------------------------------------------


def deploy_site(where: Path) -> Path:
    output = where / "output"
    for number in range(240):
        page = output / "notes" / f"{number:03}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<!doctype html><title>{number}</title><p>note {number}</p>\n", encoding="utf-8")
    (output / "index.html").write_text("<!doctype html><title>home</title>\n", encoding="utf-8")
    return output


@pytest.mark.site
def test_a_deploy_shows_hashing_and_uploading_on_a_terminal_and_none_in_ci(store, endpoint, tmp_path):  # noqa: F811
    output = deploy_site(tmp_path)
    command = [sys.executable, str(SCRIPTS / "deploy.py"), str(output)]
    shown = run_on_terminal(command, tmp_path, **store["env"])
    assert finished(bar_frames(shown, "hashing"), 241), shown[-1500:]
    uploading = bar_frames(shown, "uploading")
    assert uploading and "241/241 files" in uploading[-1], shown[-1500:]
    again = {**store["env"], "DEPLOY_URL": store["env"]["DEPLOY_URL"] + "-again"}
    in_ci = run_on_terminal(command, tmp_path, CI="true", **again)
    assert not [piece for piece in segments(in_ci) if BAR.match(piece)]
    assert [line.replace("/site-again/", "/site/") for line in said(in_ci)] == said(shown)
