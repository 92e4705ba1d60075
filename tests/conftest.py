"""Shared paths and a helper that runs the converter's command line in-process."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# No time limit on a generated example: speed is the benchmark's business, and
# a deadline turns a busy machine into a failed test (rules of the house, 3).
# In CI the examples are derandomized (the same ones on every run), so a rare
# sequence cannot fail one run and pass the next; a run on a desk explores new
# ones and replays any failure from Hypothesis's database first.
IN_CI = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}  # as the progress bars read it
settings.register_profile("news-digest", deadline=None, derandomize=IN_CI)
settings.load_profile("news-digest")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DUMPS = FIXTURES / "dumps"
BAD_DUMPS = FIXTURES / "bad"
SEED = ROOT / "content" / "raw" / "000_7801b6999f89b298.txt"


@pytest.fixture
def convert(capsys):
    """Run `convert_articles.py ARGS`; return (exit code, stdout, stderr)."""
    import convert_articles

    def run(*args: object) -> tuple[int, str, str]:
        code = convert_articles.main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """The seed dump copied into a scratch raw folder."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    return raw


def read_posts(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md"))}


def header_of(post: str) -> dict[str, str]:
    """A post's metadata header as a dict (keys as written)."""
    header = post.split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in header.splitlines())


def body_of(post: str) -> str:
    return post.split("\n\n", 1)[1]


CORPUS = FIXTURES / "corpus"


def convert_corpus(posts: Path) -> list[Path]:
    """The site tests' corpus (seed, fixture dumps, 36 corpus stories) converted into `posts`."""
    import convert_articles

    assert convert_articles.main([str(SEED), str(DUMPS), str(CORPUS), "--output", str(posts)]) == 0
    return sorted(posts.glob("*.md"))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The whole site built once from the fixture corpus: seed, fixture dumps, 36 corpus stories.

    Built like `make html` does: convert, Pelican with the real settings, Pagefind.
    """
    import convert_articles
    from search_index import index_site
    from sitebuild import build_site
    from test_photos import draw_photo

    work = tmp_path_factory.mktemp("site")
    posts = convert_corpus(work / "posts")
    # The seed's first story (Tehran, 2024-04-17) with a lead photo drawn here, as an
    # editor brings one: an image named like its dump.
    raw = work / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    draw_photo(raw / (SEED.stem + ".jpg"))
    assert convert_articles.main([str(raw), "--output", str(work / "posts"), "--force"]) == 0
    (work / "content").mkdir()
    shutil.copytree(work / "images", work / "content" / "images")
    output = build_site(posts, work)
    assert index_site(output, work / "build.db") == 0
    return output


def require_tool(path: str | None, name: str) -> str:
    """The tool's path; in CI a missing tool fails the test, elsewhere it skips."""
    import os

    if path and Path(path).exists():
        return path
    message = f"{name} is not installed (.ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def sources_site(tmp_path_factory) -> Path:
    """A site of stories from other outlets: the seed, a saved page, a feed of full stories."""
    import convert_articles
    from sitebuild import build_site

    work = tmp_path_factory.mktemp("sources")
    inputs = [SEED, FIXTURES / "pages" / "harbour_strike.html", FIXTURES / "feeds" / "islands_full.rss"]
    assert convert_articles.main([*map(str, inputs), "--output", str(work / "posts")]) == 0
    return build_site(sorted((work / "posts").glob("*.md")), work)


@pytest.fixture(scope="session")
def site_url(site):
    """`site` served over HTTP on 127.0.0.1 at a free port."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    import shutil

    executable = require_tool(shutil.which("chromium") or "/usr/bin/chromium", "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


ARTIFACTS = ROOT / "tests" / "artifacts"
