"""One build at a time: a second `make html` (or a devserver's rebuild) waits for the
running one and says so in one line, and a build killed outright leaves no lock behind.

Each test runs real processes on a scratch copy of the project. The running build is
played by a helper process holding the project's build lock (scripts/build_site.py's
own), so the test decides when it ends; a waiting build is seen blocked in the kernel
(Linux lists flock waiters in /proc/locks), never guessed from a sleep.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import buildmodel
import pytest
from conftest import DUMPS
from project import MAKE_ENV, make, make_command, next_day, ok, project_copy
from sitecompare import differing_files
from test_serve import free_port

pytestmark = pytest.mark.site
LOCK = Path("cache/build.lock")
HOLDER = """
import sys
from pathlib import Path
sys.path.insert(0, "scripts")
import build_site
with build_site.build_lock(Path.cwd()):
    print("held", flush=True)
    sys.stdin.readline()
"""
DEADLINE = 120  # seconds: a guard against a hang (a build here takes about one), not a speed limit


def running_line(pid: int, then: str) -> re.Pattern:
    return re.compile(rf"another build is running \(pid {pid}, since \d\d:\d\d:\d\d\); {re.escape(then)}\n")


def tree(project: Path) -> dict[str, tuple[int, int]]:
    """Every file of the project but the shared .venv: name -> (size, modification time)."""
    found = {}
    for folder, subfolders, files in os.walk(project):
        subfolders[:] = [name for name in subfolders if name not in (".venv", "__pycache__")]
        for name in files:
            stat = (Path(folder) / name).stat()
            found[os.path.relpath(Path(folder) / name, project)] = (stat.st_size, stat.st_mtime_ns)
    return found


def waiting_on(lock: Path) -> int:
    """How many processes are blocked taking a flock on this file."""
    inode = f":{lock.stat().st_ino} "
    return sum("->" in line and inode in line for line in Path("/proc/locks").read_text().splitlines())


def until(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.01)


@pytest.fixture
def project(tmp_path) -> Path:
    return project_copy(tmp_path / "project")


@pytest.fixture
def holder(project):
    """A process holding the project's build lock until its input is closed."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER], cwd=project, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdout.readline() == "held\n"
    yield process
    process.kill()
    process.wait()


def test_a_second_build_says_a_build_is_running_waits_and_then_builds_the_same_site(
        project, holder, tmp_path):
    before = tree(project)
    with open(tmp_path / "make.out", "w") as out:
        second = subprocess.Popen(make_command("html"), cwd=project, env={**os.environ, **MAKE_ENV},
                                  text=True, stdout=out, stderr=subprocess.PIPE)
        try:
            assert running_line(holder.pid, "waiting").fullmatch(second.stderr.readline())
            until(lambda: waiting_on(project / LOCK) or second.poll() is not None, "the build waits for the lock")
            assert second.poll() is None
            assert tree(project) == before  # nothing converted, built or indexed while the other runs
            holder.stdin.close()  # the running build ends
            assert second.wait(timeout=DEADLINE) == 0, (tmp_path / "make.out").read_text()
        finally:
            second.kill()
    assert second.stderr.read() == ""  # one line said it, and only once
    clean = project_copy(tmp_path / "clean")
    ok(make(clean, "html"))
    assert differing_files(project / "output", clean / "output") == []


def test_of_two_builds_that_waited_one_builds_and_the_other_finds_the_site_up_to_date(project, holder, tmp_path):
    builds = [subprocess.Popen(make_command("html"), cwd=project, env={**os.environ, **MAKE_ENV}, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    try:
        until(lambda: waiting_on(project / LOCK) == 2 or any(build.poll() is not None for build in builds),
              "both builds wait for the lock")
        holder.stdin.close()
        said = [build.communicate(timeout=DEADLINE) for build in builds]
    finally:
        for build in builds:
            build.kill()
    assert [build.returncode for build in builds] == [0, 0], said
    assert sorted("output/ is up to date" in out for out, _ in said) == [False, True]
    clean = project_copy(tmp_path / "clean")
    ok(make(clean, "html"))
    assert differing_files(project / "output", clean / "output") == []


def test_a_build_told_not_to_wait_exits_with_the_one_line_and_writes_nothing(project, holder):
    before = tree(project)
    done = subprocess.run([sys.executable, "scripts/build_site.py", "pelican.conf.py", "--no-wait"], cwd=project,
                          capture_output=True, text=True, env={**os.environ, **MAKE_ENV}, timeout=DEADLINE)
    assert done.returncode == 75
    assert running_line(holder.pid, "not waiting (--no-wait)").fullmatch(done.stderr)
    assert done.stdout == ""
    assert tree(project) == before


def test_a_build_killed_outright_leaves_no_lock_and_the_next_make_html_builds_at_once(project, holder):
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    done = ok(make(project, "html"))
    assert "another build is running" not in done.stdout + done.stderr
    assert (project / "output/index.html").is_file()


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return ""


def lines_of(stream) -> queue.Queue:
    """The stream's lines, read by a thread, so that a test can wait for one with a deadline."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put("")  # the end

    threading.Thread(target=read, daemon=True).start()
    return lines


def wait_for_line(lines: queue.Queue, text: str) -> None:
    while True:
        line = lines.get(timeout=DEADLINE)
        assert line, f"the devserver ended before saying {text!r}"
        if text in line:
            return


def test_the_devserver_serves_rebuilds_a_changed_post_and_stops_on_ctrl_c_without_a_traceback(project):
    port = free_port()
    server = subprocess.Popen([sys.executable, "scripts/devserver.py", "pelican.conf.py", "--port", str(port)],
                              cwd=project, env={**os.environ, **MAKE_ENV}, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errors = lines_of(server.stderr)
    try:
        said = lines_of(server.stdout)
        wait_for_line(said, "built; watching for changes")
        assert "News Digest" in fetch(f"http://127.0.0.1:{port}/")
        post = project / "content/articles/2024-04-17-russian-missile-experts-flew-to-iran-amid-clashes-with-israel.md"
        page = f"http://127.0.0.1:{port}/2024/04/17/russian-missile-experts-flew-to-iran-amid-clashes-with-israel/"
        text = post.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("Title: "))
        assert f"{title.removeprefix('Title: ')}</h1>" in fetch(page)
        post.write_text(text.replace(title, title + " (corrected)"), encoding="utf-8")
        until(lambda: "(corrected)</h1>" in fetch(page), "the served page shows the edit")
        assert (project / "output/pagefind").is_dir()  # built as make html builds: indexed for search
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=DEADLINE) == 0
    finally:
        server.kill()
        server.wait()
    stderr = "".join(iter(errors.get, ""))
    assert "Traceback" not in stderr


@pytest.mark.parametrize("change", ["a new dump", "a dump edited"])
def test_a_dump_saved_while_the_converter_runs_is_converted_by_the_next_build(tmp_path, monkeypatch, change):
    """The stamp of the dumps is taken before the converter reads them, and saved only
    if no input changed while the steps ran: a dump saved meanwhile is not vouched
    for, by its times or by its content, and the next `make html` converts it."""
    import build_site

    project = project_copy(tmp_path)
    ok(make(project, "html"))
    (seed,) = (project / "content/raw").glob("*.txt")
    real_run = build_site.run

    def run_and_save_a_dump(*command, **kwargs):
        done = real_run(*command, **kwargs)
        if "scripts/convert_articles.py" in command:  # the converter has listed its inputs and finished
            if change == "a new dump":
                (project / "content/raw/late.txt").write_bytes((DUMPS / "no_photo.txt").read_bytes())
            else:
                seed.write_text(seed.read_text(encoding="utf-8").replace(" the ", " THE EDITED ", 1), encoding="utf-8")
        return done

    monkeypatch.chdir(project)
    for name, value in MAKE_ENV.items():  # as `make` runs it: the stamp names them
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(build_site, "run", run_and_save_a_dump)
    next_day(project)  # something to build
    assert build_site.build_if_changed(project, "pelican.conf.py", "output") == 0
    assert not buildmodel.read(project / buildmodel.MODEL, "stamp", "output")  # no stamp vouches for that build
    monkeypatch.setattr(build_site, "run", real_run)
    again = ok(make(project, "html"))
    assert "up to date" not in again.stdout
    posts = "".join(post.read_text(encoding="utf-8") for post in (project / "content/articles").glob("*.md"))
    if change == "a new dump":
        assert list((project / "content/articles").glob("*kenya-and-ethiopia*.md"))
    else:
        assert "THE EDITED" in posts
    assert "up to date" in ok(make(project, "html")).stdout  # and now it is


LOCK_PROBE = """
import fcntl, os, sys
lock = os.open("cache/build.lock", os.O_RDWR)
try:
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("the lock is held")
else:
    print("the lock is free")
print("index:", os.path.isfile("output/index.html"))
"""


def test_the_command_after_a_build_runs_under_its_lock_as_make_deploy_uploads(project):
    """`make deploy` uploads under the lock its publish build took: a `make html` started
    meanwhile waits, and cannot rewrite output/ with the preview's pages mid-upload."""
    done = subprocess.run([sys.executable, "scripts/build_site.py", "publish.conf.py", "--then",
                           sys.executable, "-c", LOCK_PROBE], cwd=project, capture_output=True, text=True,
                          env={**os.environ, **MAKE_ENV, "SITEURL": "https://news.example.org"}, timeout=DEADLINE * 3)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("the lock is held\nindex: True\n")


def test_the_command_after_a_failed_build_does_not_run(project):
    (project / "publish.conf.py").write_text("raise SystemExit(3)\n")  # a build that fails
    done = subprocess.run([sys.executable, "scripts/build_site.py", "publish.conf.py", "--then",
                           sys.executable, "-c", "print('ran')"], cwd=project, capture_output=True, text=True,
                          env={**os.environ, **MAKE_ENV}, timeout=DEADLINE * 3)
    assert done.returncode != 0
    assert "ran" not in done.stdout


def test_make_convert_waits_for_a_running_build_and_says_so(project, holder):
    """`make convert` takes the build lock too: told not to wait, it stops with the line and converts nothing."""
    before = tree(project)
    done = subprocess.run(make_command("convert"), cwd=project, capture_output=True, text=True,
                          env={**os.environ, **MAKE_ENV, "NO_WAIT": "1"}, timeout=DEADLINE)
    assert done.returncode != 0
    assert running_line(holder.pid, "not waiting (--no-wait)").fullmatch(done.stderr.splitlines(keepends=True)[0])
    assert tree(project) == before
    holder.stdin.close()
    holder.wait()
    assert ok(make(project, "convert")).returncode == 0
    assert tree(project) != before  # converted once the build is over


def test_a_lock_that_cannot_be_taken_fails_make_convert_with_one_line(project):
    (project / LOCK).parent.mkdir(parents=True, exist_ok=True)
    (project / LOCK).mkdir()  # a folder where the lock file should be
    before = tree(project)
    done = subprocess.run(make_command("convert"), cwd=project, capture_output=True, text=True,
                          env={**os.environ, **MAKE_ENV}, timeout=DEADLINE)
    assert done.returncode != 0
    assert done.stderr.splitlines()[0].startswith("error: cache/build.lock: cannot take the build lock")
    assert tree(project) == before
