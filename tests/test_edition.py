"""The day's edition by email: built with the site, one MIME message, sent through SMTP."""

from __future__ import annotations

import re
import socket
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ARTIFACTS, ROOT
from sitebuild import build_site

pytestmark = pytest.mark.site

SITEURL = "https://digest.example.org"
UNSUBSCRIBE = "https://digest.example.org/unsubscribe"
DAY = date(2025, 4, 8)
BUSY_DAY = date(2025, 4, 9)  # 120 stories
DESKS = ("Europe", "Asia", "Africa", "Americas", "Middle East")
SETTINGS = {"SITEURL": SITEURL, "FEED_DOMAIN": SITEURL, "EDITION_UNSUBSCRIBE_URL": UNSUBSCRIBE,
            "EDITION_FROM": "News Digest <edition@digest.example.org>"}


def summary(number: int) -> str:
    """A wire story's opening paragraph, about 60 words."""
    return (f"Officials in the {number}th district said on Tuesday that the harbour works would run "
            "into the summer, after engineers found the old sea wall weaker than the surveys of the "
            "last decade had suggested, and that ferries would keep to the winter timetable until "
            "the new berths open, which the port authority now expects in late July at the earliest.")


@pytest.fixture(scope="module")
def edition_site(tmp_path_factory) -> Path:
    """40 stories on 8 April 2025, two the day before, 120 the day after, built with an absolute SITEURL."""
    work = tmp_path_factory.mktemp("edition")
    posts = work / "posts"
    posts.mkdir()
    for number in range(42 + 120):
        day = DAY if number < 40 else DAY - timedelta(days=1) if number < 42 else BUSY_DAY
        title = f"Harbour works in district {number} run into the summer as the sea wall fails its survey"
        (posts / f"{day}-story-{number}.md").write_text(
            f"Title: {title}\nDate: {day}\nSlug: story-{number}\nCategory: {DESKS[number % 5]}\n"
            f"Summary: {summary(number)}\n\n{summary(number)}\n\nThe port authority will publish its plans.\n",
            encoding="utf-8")
    return build_site(sorted(posts.glob("*.md")), work / "site", override=SETTINGS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_file(tmp_path: Path) -> Path:
    """The project's settings with the site's address and the edition's own."""
    settings = tmp_path / "settings.py"
    tmp_path.mkdir(parents=True, exist_ok=True)
    settings.write_text(
        "from pelican.settings import load_source\n"
        f"_base = load_source('edition_test_base', {str(ROOT / 'pelican.conf.py')!r})\n"
        "globals().update({name: value for name, value in vars(_base).items() if name.isupper()})\n"
        + "".join(f"{name} = {value!r}\n" for name, value in SETTINGS.items()), encoding="utf-8")
    return settings


def message_of(site: Path, day: date, tmp_path: Path, capsys) -> bytes:
    import edition

    code = edition.main([day.isoformat(), "--site", str(site), "--out", str(tmp_path / "editions"),
                         "--settings", str(settings_file(tmp_path))])
    printed = capsys.readouterr().out.strip()
    assert code == 0 and printed == str(tmp_path / "editions" / f"{day}.eml")
    return Path(printed).read_bytes()


def test_each_days_edition_has_an_email_of_one_column_with_inlined_styles_and_absolute_links(edition_site):
    for day, count in ((DAY, 40), (DAY - timedelta(days=1), 2)):
        html = (edition_site / f"{day:%Y/%m/%d}" / "email.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.select("style") and not soup.select("link[rel=stylesheet]")  # inlined: clients drop <style>
        assert "max-width: 600px" in soup.select_one(".column")["style"]
        assert len(soup.select(".story")) == count
        links = [a["href"] for a in soup.select("a[href]")]
        assert links and all(link.startswith(SITEURL + "/") for link in links)
        assert not [tag for tag in soup.select("[src]") if not tag["src"].startswith(SITEURL + "/")]
        text = (edition_site / f"{day:%Y/%m/%d}" / "email.txt").read_text(encoding="utf-8")
        assert text.count("Read the story: " + SITEURL) == count and f"Unsubscribe: {UNSUBSCRIBE}" in text


def test_a_40_story_edition_stays_under_gmails_clip_and_is_the_same_file_each_time(edition_site, tmp_path, capsys):
    raw = message_of(edition_site, DAY, tmp_path, capsys)
    assert len(raw) < 102 * 1024
    assert message_of(edition_site, DAY, tmp_path / "again", capsys) == raw


def test_a_120_story_edition_lists_60_and_links_the_rest_under_gmails_clip(edition_site, tmp_path, capsys):
    raw = message_of(edition_site, BUSY_DAY, tmp_path, capsys)
    assert len(raw) < 102 * 1024
    message = BytesParser(policy=policy.default).parsebytes(raw)
    html = BeautifulSoup(message.get_body(("html",)).get_content(), "html.parser")
    assert len(html.select(".summary")) == 30 and len(html.select(".title")) == 60
    assert html.select(".story")[-1].get_text(strip=True) == "60 more stories in the edition on the web"
    assert "60 more in the edition on the web: https://digest.example.org/2025/04/09/" in \
        message.get_body(("plain",)).get_content()


def test_make_edition_writes_a_message_of_text_and_html_with_list_unsubscribe(edition_site, tmp_path, capsys):
    message = BytesParser(policy=policy.default).parsebytes(message_of(edition_site, DAY, tmp_path, capsys))
    assert message["Subject"] == "News Digest: the edition of Tuesday, 8 April 2025"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_payload()
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert "Harbour works in district 0 run into the summer" in plain.get_content()
    assert "Harbour works in district 39" in html.get_content()


def test_the_edition_is_sent_through_a_real_smtp_server_one_message_a_reader(edition_site, tmp_path, capsys):
    import edition
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):
            self.received.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        readers = tmp_path / "readers.txt"
        readers.write_text("# the list\nann@example.org\n\nbob@example.net  # joined in May\n", encoding="utf-8")
        code = edition.main([DAY.isoformat(), "--site", str(edition_site), "--settings", str(settings_file(tmp_path)),
                             "--send", f"smtp://127.0.0.1:{port}", "--to", str(readers)])
    finally:
        controller.stop()
    assert code == 0 and "sent the edition of 2025-04-08 to 2 addresses" in capsys.readouterr().out
    assert [to for to, _ in inbox.received] == [["ann@example.org"], ["bob@example.net"]]
    for to, content in inbox.received:
        message = BytesParser(policy=policy.default).parsebytes(content)
        assert message["To"] == to[0] and message["List-Unsubscribe"]
        assert message.get_body(("plain",)).get_content().startswith("News Digest: the edition of")


def test_a_password_is_never_sent_without_tls(edition_site, tmp_path, capsys, monkeypatch):
    import edition
    from aiosmtpd.controller import Controller

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    port = free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("SMTP_PASSWORD", "secret")
    try:
        readers = tmp_path / "readers.txt"
        readers.write_text("ann@example.org\n", encoding="utf-8")
        code = edition.main([DAY.isoformat(), "--site", str(edition_site), "--send",
                             f"smtp://editor@127.0.0.1:{port}", "--to", str(readers)])
    finally:
        controller.stop()
    err = capsys.readouterr().err
    assert code == 1 and "offers no TLS; the password is not sent" in err and len(err.splitlines()) == 1


def test_a_day_without_an_edition_is_a_one_line_error(edition_site, capsys):
    import edition

    assert edition.main(["2025-04-10", "--site", str(edition_site)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ") and "no edition email for 2025-04-10" in line


@pytest.mark.parametrize("width", [375, 600])
def test_the_email_reads_on_a_phone_and_at_600_px_without_sideways_scroll(edition_site, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.route(re.compile(r"^https?://"), lambda route: route.abort())  # the email's links go nowhere here
        page.goto((edition_site / f"{DAY:%Y/%m/%d}" / "email.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        column = page.evaluate("document.querySelector('.column').getBoundingClientRect().width")
        assert column == min(width, 600)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"edition-email-{width}.png"), full_page=False)
    finally:
        page.close()
