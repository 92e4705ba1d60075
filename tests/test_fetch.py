"""URLs, lists of URLs and feeds, served from 127.0.0.1: fetched politely and
through one gate (http and https only, checked addresses, a deadline, a size
cap, each URL once), one line per failure naming the input it came from."""

from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import FIXTURES, body_of, header_of, read_posts
from test_photos import draw_photo

FEEDS = FIXTURES / "feeds"
ALLOW = "--allow-private-addresses"  # the editor's setting: the test server is on 127.0.0.1
TEASER = "A short teaser: the story is at the link."


def rss(*items: tuple[str, str]) -> str:
    """A feed whose entries (title, link) carry only a teaser: each is fetched from its link."""
    entries = "".join(f"<item><title>{title}</title><link>{link}</link><description>{TEASER}</description></item>"
                      for title, link in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers</title>{entries}</channel></rss>'


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A local site: the saved page, the feeds, a missing page, a flaky one, a huge one,
    redirects, a page that trickles in, a server that is always busy."""
    import ingest.fetch

    monkeypatch.setattr(ingest.fetch, "BACKOFF_SECONDS", 0.01)
    monkeypatch.setattr(ingest.fetch, "MAX_BYTES", 200_000)
    site = tmp_path / "site"
    site.mkdir()
    (site / "islands.rss").write_bytes((FEEDS / "islands_full.rss").read_bytes())
    (site / "huge.html").write_bytes(b"<p>" + b"x" * 300_000 + b"</p>")
    seen = {"agents": [], "flaky": 0, "paths": []}

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            seen["agents"].append(self.headers.get("User-Agent"))
            seen["paths"].append(self.path)
            path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
            if path == "/flaky.html":
                seen["flaky"] += 1
                if seen["flaky"] < 3:
                    self.send_error(503, "Busy")
                    return
                self.path = "/harbour_strike.html"
            elif path == "/busy.html":
                self.send_error(503, "Busy")
                return
            elif path in ("/redirect", "/loop"):
                self.send_response(302)
                self.send_header("Location", query["to"][0] if path == "/redirect" else "/loop")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            elif path == "/drip-headers.html":  # each header line quick, the head never done
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for number in range(150):  # a client that waits for them all gives up at 100
                    self.wfile.write(b"X-Drip-%d: x\r\n" % number)
                    self.wfile.flush()
                    time.sleep(0.05)
                self.wfile.write(b"Content-Length: 2\r\n\r\nok")
                return
            elif path in ("/trickle.html", "/endless.html"):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                if path == "/endless.html":  # no length: sent in chunks, over the cap in all
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for _ in range(40):
                        self.wfile.write(b"2000\r\n" + b"x" * 0x2000 + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", "40")
                self.end_headers()
                for _ in range(40):  # a byte at a time: each read is quick, the whole is slow
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
                return
            return super().do_GET()

    class Server(ThreadingHTTPServer):
        daemon_threads = True

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
    (site / "feeds").mkdir()
    (site / "feeds" / "relative.rss").write_text(rss(("Harbour strike ends", "../harbour_strike.html")))
    yield base, seen
    httpd.shutdown()


@pytest.fixture
def internet(server, monkeypatch):
    """The local server standing in for a public site: third-party links (feed
    entries, og:image, redirects) may reach it, as they would the internet."""
    import ingest.fetch

    network_kind = ingest.fetch.network_kind
    monkeypatch.setattr(ingest.fetch, "network_kind",
                        lambda address: "" if str(address) == "127.0.0.1" else network_kind(address))
    return server


def test_a_url_is_fetched_with_a_clear_user_agent_and_converted(convert, internet, tmp_path):
    from ingest.fetch import USER_AGENT

    base, seen = internet
    code, _, stderr = convert(f"{base}/harbour_strike.html", "--output", tmp_path / "posts")
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path / "posts").values()
    assert header_of(post)["Source"] == "The Coastal Herald"
    assert header_of(post)["Date"] == "2025-06-12"
    assert seen["agents"] == [USER_AGENT, USER_AGENT]  # the page, then its og:image
    photo = header_of(post)["Photo"]
    assert (tmp_path / (photo + "-800.webp")).is_file()  # stored beside the posts' folder


def test_a_urls_file_converts_each_and_names_each_failure_in_one_line(convert, internet, tmp_path):
    base, _ = internet
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
    code, stdout, _ = convert(f"{base}/flaky.html", "--output", tmp_path / "posts", ALLOW)
    assert code == 0 and "1 new" in stdout
    assert seen["flaky"] == 3  # two 503s, then the page


def test_a_feed_with_full_stories_gives_one_post_per_entry(convert, server, tmp_path):
    base, _ = server
    code, stdout, _ = convert(f"{base}/islands.rss", "--output", tmp_path / "posts", ALLOW)
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


def test_a_summary_only_feed_fetches_each_story_from_its_link(convert, internet, tmp_path):
    base, seen = internet
    code, stdout, _ = convert(f"{base}/herald.atom", "--output", tmp_path / "posts")
    assert code == 0 and "1 new" in stdout
    (post,) = read_posts(tmp_path / "posts").values()
    assert body_of(post).startswith("Dockers at the port of Eastmouth voted on Thursday")
    assert len(seen["agents"]) == 3  # the feed, the story, then its photo


# One gate for every fetch (issue 20, items 1, 2 and 5)


def secret_page(tmp_path):
    """A file on the editor's machine that reads like an article: it must never become a post."""
    secret = tmp_path / "private" / "secret.html"
    secret.parent.mkdir()
    words = " ".join(["The board's unpublished plan lists every salary in the newsroom."] * 6)
    secret.write_text(f"<html><head><title>Private salaries</title></head><body><article><p>{words}</p>"
                      f"<p>{words}</p></article></body></html>", encoding="utf-8")
    return secret


@pytest.mark.parametrize("link", ["file://localhost{secret}", "file://{secret}", "data:text/html,{page}",
                                  "ftp://127.0.0.1{secret}"])
def test_a_feed_link_to_a_local_file_or_another_scheme_is_refused(convert, tmp_path, link):
    secret = secret_page(tmp_path)
    link = link.format(secret=secret, page=secret.read_text(encoding="utf-8").replace(" ", "%20"))
    feed = tmp_path / "hostile.rss"
    feed.write_text(rss(("Read all about it", link)), encoding="utf-8")
    code, stdout, stderr = convert(feed, "--date", "2025-06-03", "--output", tmp_path / "posts", ALLOW)
    assert code == 1 and "0 new" in stdout and "1 rejected" in stdout
    (line,) = stderr.splitlines()
    scheme = link.split(":")[0]
    assert line.startswith(f"error: {feed}: {scheme}:")  # the link, as the feed gave it
    assert line.endswith(f": refused: {scheme}: addresses are never fetched (only http and https)")
    assert not (tmp_path / "posts").exists() or not list((tmp_path / "posts").glob("*.md"))


def test_a_feed_link_never_reaches_loopback_or_the_metadata_service_even_when_the_editor_allows_private(
        convert, server, tmp_path):
    base, seen = server
    feed = tmp_path / "hostile.rss"
    feed.write_text(rss(("Local", f"{base}/harbour_strike.html"), ("Metadata", "http://169.254.169.254/latest/"),
                        ("Intranet", "http://10.1.2.3/"), ("Named", "http://localhost:9/")), encoding="utf-8")
    code, stdout, stderr = convert(feed, "--output", tmp_path / "posts", ALLOW)
    assert code == 1 and "0 new" in stdout and "4 rejected" in stdout
    assert seen["paths"] == []  # refused before connecting
    lines = stderr.splitlines()
    assert lines[:3] == [
        f"error: {feed}: {base}/harbour_strike.html: refused: 127.0.0.1 is a loopback address "
        "(only the editor's own URLs may reach private networks, with --allow-private-addresses)",
        f"error: {feed}: http://169.254.169.254/latest/: refused: 169.254.169.254 is a link-local address "
        "(only the editor's own URLs may reach private networks, with --allow-private-addresses)",
        f"error: {feed}: http://10.1.2.3/: refused: 10.1.2.3 is a private address "
        "(only the editor's own URLs may reach private networks, with --allow-private-addresses)",
    ]
    assert lines[3].startswith(f"error: {feed}: http://localhost:9/: refused: localhost is at ")


def test_the_editors_own_url_reaches_a_private_address_only_with_the_setting(convert, server, tmp_path,
                                                                             monkeypatch):
    base, seen = server
    code, stdout, stderr = convert(f"{base}/islands.rss", "--output", tmp_path / "posts")
    assert code == 1 and seen["paths"] == []
    assert stderr == (f"error: {base}/islands.rss: refused: 127.0.0.1 is a loopback address "
                      "(only the editor's own URLs may reach private networks, with --allow-private-addresses)\n")
    monkeypatch.setenv("NEWS_DIGEST_ALLOW_PRIVATE_ADDRESSES", "1")
    code, stdout, _ = convert(f"{base}/islands.rss", "--output", tmp_path / "posts")
    assert code == 0 and "2 new" in stdout


def test_the_allow_private_setting_is_in_the_help():
    import convert_articles

    assert "--allow-private-addresses" in convert_articles.build_parser().format_help()


@pytest.mark.parametrize(("target", "reason"), [
    ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address"),
    ("file:///etc/passwd", "refused: file: addresses are never fetched (only http and https)"),
    ("/loop", "refused: more than 5 redirects"),
])
def test_every_redirect_hop_goes_through_the_gate(convert, internet, tmp_path, target, reason):
    base, _ = internet
    url = f"{base}/redirect?to={target}"
    code, _, stderr = convert(url, "--output", tmp_path / "posts")
    assert code == 1
    (line,) = stderr.splitlines()
    assert line.startswith(f"error: {url}: {reason}")


def test_an_intranet_redirect_may_stay_on_the_intranet_with_the_setting(convert, server, tmp_path):
    base, _ = server
    code, stdout, _ = convert(f"{base}/redirect?to=/islands.rss", "--output", tmp_path / "posts", ALLOW)
    assert code == 0 and "2 new" in stdout


@pytest.mark.parametrize("page", ["trickle.html", "drip-headers.html"])
def test_a_page_that_trickles_in_is_stopped_at_the_deadline(convert, internet, tmp_path, monkeypatch, page):
    import ingest.fetch

    monkeypatch.setattr(ingest.fetch, "DEADLINE_SECONDS", 0.5)  # the server takes 4 s or more, a byte or line at once
    base, _ = internet
    code, _, stderr = convert(f"{base}/{page}", "--output", tmp_path / "posts")
    assert code == 1
    assert stderr == f"error: {base}/{page}: cannot fetch: not done within the deadline of 0.5 seconds\n"


def test_the_size_cap_counts_every_chunk_of_a_page_without_a_length(convert, internet, tmp_path):
    base, _ = internet
    code, _, stderr = convert(f"{base}/endless.html", "--output", tmp_path / "posts")
    assert code == 1
    assert stderr == f"error: {base}/endless.html: over the size cap of 200,000 bytes; not fetched\n"


def test_a_relative_link_in_a_fetched_feed_is_resolved_against_the_feeds_address(convert, internet, tmp_path):
    base, seen = internet
    code, stdout, _ = convert(f"{base}/feeds/relative.rss", "--output", tmp_path / "posts")
    assert code == 0 and "1 new" in stdout
    assert seen["paths"][:2] == ["/feeds/relative.rss", "/harbour_strike.html"]


def test_a_feed_entry_without_a_scheme_is_one_line_and_every_other_input_converts(convert, seed_copy, tmp_path):
    feed = seed_copy / "relative.rss"
    feed.write_text(rss(("Relative", "/relative/link")).replace(
        "</channel>", f"<item><title>Numbered</title><guid>48213</guid><description>{TEASER}</description>"
                      "</item></channel>"), encoding="utf-8")
    code, stdout, stderr = convert(seed_copy, "--output", tmp_path / "posts")
    assert code == 1
    assert stderr.splitlines() == [
        f"error: {feed}: entry 'Relative': link /relative/link refused: a relative link in a feed read "
        "from a file has no address to be resolved against",
        f"error: {feed}: entry 'Numbered': link 48213 refused: a relative link in a feed read "
        "from a file has no address to be resolved against",
    ]
    assert stdout.splitlines()[-1].startswith("2 new,") and "2 rejected" in stdout
    assert len(read_posts(tmp_path / "posts")) == 2  # the seed's stories


def test_each_url_is_fetched_once_and_each_failure_names_the_feed_that_asked(convert, internet, tmp_path):
    base, seen = internet
    feeds = [tmp_path / "morning.rss", tmp_path / "evening.rss"]
    for feed in feeds:
        feed.write_text(rss(("Gone", f"{base}/missing.html"), ("Busy", f"{base}/busy.html")), encoding="utf-8")
    code, _, stderr = convert(*feeds, "--output", tmp_path / "posts")
    assert code == 1
    assert seen["paths"].count("/missing.html") == 1
    assert seen["paths"].count("/busy.html") == 4  # the first try and its three retries, once for both feeds
    assert sorted(stderr.splitlines()) == sorted(
        f"error: {feed}: {base}/{page}: the server answered {answer}"
        for feed in feeds for page, answer in (("missing.html", "404 File not found"), ("busy.html", "503 Busy")))


def test_a_url_is_fetched_once_per_run_also_when_the_inputs_are_converted_on_every_core(convert, internet,
                                                                                       tmp_path):
    """Enough feeds for the converter's worker processes: they share one record of the run's fetches."""
    from convert_articles import PARALLEL_THRESHOLD

    base, seen = internet
    feeds = [tmp_path / f"feed-{number:03}.rss" for number in range(PARALLEL_THRESHOLD + 6)]
    for feed in feeds:
        feed.write_text(rss(("Gone", f"{base}/missing.html")), encoding="utf-8")
    code, _, stderr = convert(*feeds, "--output", tmp_path / "posts")
    assert code == 1
    assert seen["paths"].count("/missing.html") == 1
    assert sorted(stderr.splitlines()) == sorted(
        f"error: {feed}: {base}/missing.html: the server answered 404 File not found" for feed in feeds)


@pytest.mark.parametrize("photo", ["http://169.254.169.254/latest/meta-data/photo.jpg", "file:///etc/passwd",
                                   "http://127.0.0.1:9/photo.jpg"])
def test_a_fetched_pages_photo_never_reaches_a_private_address_or_a_local_file(convert, server, tmp_path, photo):
    """The page is the editor's (allowed on the intranet here), its og:image the page's author's."""
    base, seen = server
    page = (tmp_path / "site" / "harbour_strike.html").read_text(encoding="utf-8")
    (tmp_path / "site" / "hostile_photo.html").write_text(page.replace(f"{base}/img/dockers.jpg", photo),
                                                          encoding="utf-8")
    code, stdout, stderr = convert(f"{base}/hostile_photo.html", "--output", tmp_path / "posts", ALLOW)
    assert code == 0 and "1 new" in stdout
    (post,) = read_posts(tmp_path / "posts").values()
    assert "Photo" not in header_of(post)
    assert stderr.count("\n") == 1 and f"lead photo {photo} left out: refused" in stderr, stderr
    assert seen["paths"] == ["/hostile_photo.html"]


def test_a_saved_pages_image_outside_its_folder_is_not_read(tmp_path):
    from ingest.webpage import lead_image

    (tmp_path / "photo.jpg").write_bytes(b"a photo the editor never meant to publish")
    page = tmp_path / "saved" / "page.html"
    page.parent.mkdir()
    assert lead_image("../photo.jpg", "", str(page)) == ""
    assert lead_image(f"file://{tmp_path}/photo.jpg", "", str(page)) == ""


def test_a_urls_file_line_that_is_not_http_is_refused_naming_the_list(convert, tmp_path):
    listing = tmp_path / "today.urls"
    listing.write_text("file:///etc/passwd\nftp://files.example/story.html\n", encoding="utf-8")
    code, stdout, stderr = convert(listing, "--output", tmp_path / "posts", ALLOW)
    assert code == 1 and "2 rejected" in stdout
    assert stderr.splitlines() == [
        f"error: {listing}: file:///etc/passwd: refused: only http and https addresses are fetched",
        f"error: {listing}: ftp://files.example/story.html: refused: only http and https addresses are fetched",
    ]


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.2", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("10.0.0.1", "private"),
    ("192.168.1.1", "private"), ("fd00::1", "private"), ("100.64.0.1", "non-public"), ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("240.0.0.1", "reserved"),
    ("fec0::1", "site-local"), ("93.184.215.14", ""), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", ""),
])
def test_only_public_internet_addresses_are_open_to_third_party_links(address, kind):
    import ipaddress

    from ingest.fetch import network_kind

    assert network_kind(ipaddress.ip_address(address)) == kind
