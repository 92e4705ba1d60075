"""URLs, lists of URLs and feeds, served from 127.0.0.1: fetched politely, one line per failure."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import FIXTURES, body_of, header_of, read_posts
from test_photos import draw_photo

FEEDS = FIXTURES / "feeds"


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A local site: the saved page, the feeds, a missing page, a flaky one, a huge one."""
    import ingest.fetch

    monkeypatch.setattr(ingest.fetch, "BACKOFF_SECONDS", 0.01)
    monkeypatch.setattr(ingest.fetch, "MAX_BYTES", 200_000)
    site = tmp_path / "site"
    site.mkdir()
    (site / "islands.rss").write_bytes((FEEDS / "islands_full.rss").read_bytes())
    (site / "huge.html").write_bytes(b"<p>" + b"x" * 300_000 + b"</p>")
    seen = {"agents": [], "flaky": 0}

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            seen["agents"].append(self.headers.get("User-Agent"))
            if self.path == "/flaky.html":
                seen["flaky"] += 1
                if seen["flaky"] < 3:
                    self.send_error(503, "Busy")
                    return
                self.path = "/harbour_strike.html"
            return super().do_GET()

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that stops reading (the size cap) is no news; socketserver would print a traceback

    httpd = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    page = (FIXTURES / "pages" / "harbour_strike.html").read_text(encoding="utf-8")  # its photo served here
    page = page.replace("https://cdn.coastalherald.example/img/", f"{base}/img/")
    (site / "harbour_strike.html").write_text(page, encoding="utf-8")
    (site / "img").mkdir()
    draw_photo(site / "img" / "dockers.jpg")
    atom = (FEEDS / "herald_summaries.atom").read_text(encoding="utf-8").replace("BASE", base)
    (site / "herald.atom").write_text(atom, encoding="utf-8")
    yield base, seen
    httpd.shutdown()


def test_a_url_is_fetched_with_a_clear_user_agent_and_converted(convert, server, tmp_path):
    from ingest.fetch import USER_AGENT

    base, seen = server
    code, _, stderr = convert(f"{base}/harbour_strike.html", "--output", tmp_path / "posts")
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path / "posts").values()
    assert header_of(post)["Source"] == "The Coastal Herald"
    assert header_of(post)["Date"] == "2025-06-12"
    assert seen["agents"] == [USER_AGENT, USER_AGENT]  # the page, then its og:image
    photo = header_of(post)["Photo"]
    assert (tmp_path / (photo + "-800.webp")).is_file()  # stored beside the posts' folder


def test_a_urls_file_converts_each_and_names_each_failure_in_one_line(convert, server, tmp_path):
    base, _ = server
    listing = tmp_path / "today.urls"
    listing.write_text(f"# today's reading\n{base}/harbour_strike.html\n\n{base}/missing.html\n{base}/huge.html\n")
    code, stdout, stderr = convert(listing, "--output", tmp_path / "posts")
    assert code == 1 and "1 new" in stdout and "2 rejected" in stdout
    assert stderr.splitlines() == [
        f"error: {base}/missing.html: the server answered 404 File not found",
        f"error: {base}/huge.html: over the size cap of 200,000 bytes; not fetched",
    ]


def test_a_busy_server_is_retried_with_pauses(convert, server, tmp_path):
    base, seen = server
    code, stdout, _ = convert(f"{base}/flaky.html", "--output", tmp_path / "posts")
    assert code == 0 and "1 new" in stdout
    assert seen["flaky"] == 3  # two 503s, then the page


def test_a_feed_with_full_stories_gives_one_post_per_entry(convert, server, tmp_path):
    base, _ = server
    code, stdout, _ = convert(f"{base}/islands.rss", "--output", tmp_path / "posts")
    assert code == 0 and "2 new" in stdout
    posts = {header_of(post)["Title"]: post for post in read_posts(tmp_path / "posts").values()}
    school = posts["Island school wins national science prize"]
    assert header_of(school)["Source"] == "The Island Gazette"
    assert header_of(school)["Source-URL"] == "https://gazette.example/2025/05/20/school-science-prize"
    assert header_of(school)["Authors"] == "Sarah Flett" and header_of(school)["Date"] == "2025-05-20"
    assert "## A first for the islands" in body_of(school)
    assert header_of(posts["Lifeboat crew rescues yacht sailors in gale"])["Date"] == "2025-05-21"


def test_a_feed_file_works_as_well_as_a_feed_url(convert, tmp_path):
    code, stdout, _ = convert(FEEDS / "islands_full.rss", "--output", tmp_path / "posts")
    assert code == 0 and "2 new" in stdout


def test_a_summary_only_feed_fetches_each_story_from_its_link(convert, server, tmp_path):
    base, seen = server
    code, stdout, _ = convert(f"{base}/herald.atom", "--output", tmp_path / "posts")
    assert code == 0 and "1 new" in stdout
    (post,) = read_posts(tmp_path / "posts").values()
    assert body_of(post).startswith("Dockers at the port of Eastmouth voted on Thursday")
    assert len(seen["agents"]) == 3  # the feed, the story, then its photo
