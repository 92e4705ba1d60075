"""The day's edition by email: one MIME message from the built site, written or sent.

    python scripts/edition.py 2025-04-08                      # writes editions/2025-04-08.eml
    python scripts/edition.py 2025-04-08 --send smtps://mail.example.org:465 --to readers.txt

The build writes each day's edition as `YYYY/MM/DD/email.html` and
`email.txt` (plugins/newsroom/edition.py); here they become one message:
multipart/alternative, the plain text first, with a `List-Unsubscribe`
header (EDITION_UNSUBSCRIBE_URL, and the one-click `List-Unsubscribe-Post`
when it is an https address). Sending goes through any SMTP server:
`smtps://` speaks TLS from the start, `smtp://` upgrades with STARTTLS, and a
password (SMTP_PASSWORD in the environment, with the URL's user) is never
sent over a connection without TLS. One message a recipient, so no reader
sees another's address.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import smtplib
import ssl
import sys
from datetime import UTC, date, datetime, time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


class EditionError(Exception):
    """A one-line reason the edition cannot be made or sent."""


def edition_files(site: Path, day: date) -> tuple[str, str]:
    folder = site / f"{day:%Y/%m/%d}"
    try:
        return ((folder / "email.html").read_text(encoding="utf-8"),
                (folder / "email.txt").read_text(encoding="utf-8"))
    except OSError:
        raise EditionError(f"{folder}: no edition email for {day} (no story that day, or the site "
                           "is not built: make html)") from None


def edition_message(site: Path, day: date, settings: dict) -> EmailMessage:
    """The edition of `day` as a message: plain text and HTML, dated by the day, not the clock."""
    html, text = edition_files(site, day)
    message = EmailMessage()
    message["Subject"] = f"{settings['SITENAME']}: the edition of {day.strftime(settings['DEFAULT_DATE_FORMAT'])}"
    message["From"] = settings.get("EDITION_FROM") or f"{settings['SITENAME']} <edition@localhost>"
    message["Date"] = format_datetime(datetime.combine(day, time(6, 0), UTC))  # the morning of its day
    host = urlsplit(settings.get("SITEURL") or "http://localhost").hostname or "localhost"
    message["Message-ID"] = f"<edition-{day.isoformat()}@{host}>"
    unsubscribe = settings.get("EDITION_UNSUBSCRIBE_URL")
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.startswith("https://"):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # The boundary from the parts, not chance: the same edition is the same file.
    message.set_boundary("==edition-" + hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:24] + "==")
    return message


def recipients(path: Path) -> list[str]:
    """The addresses in a list, one a line (`#` comments and blank lines skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise EditionError(f"{path}: cannot read: {error.strerror}") from None
    found = []
    for number, line in enumerate(lines, start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if not _ADDRESS.fullmatch(line):
            raise EditionError(f"{path}:{number}: {line!r} is not an email address")
        found.append(line)
    if not found:
        raise EditionError(f"{path}: no address to send to")
    return found


def send(message: EmailMessage, smtp_url: str, to: list[str], password: str | None) -> None:
    """Send one copy to each address through the server at `smtp_url`."""
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise EditionError(f"{smtp_url}: not an smtp:// or smtps:// address")
    context = ssl.create_default_context()
    port = parts.port or (465 if parts.scheme == "smtps" else 587)
    try:
        server = (smtplib.SMTP_SSL(parts.hostname, port, context=context, timeout=30) if parts.scheme == "smtps"
                  else smtplib.SMTP(parts.hostname, port, timeout=30))
        with server:
            if parts.scheme == "smtp":
                server.ehlo()
                if server.has_extn("starttls"):
                    server.starttls(context=context)
                    server.ehlo()
                elif password:
                    raise EditionError(f"{smtp_url}: the server offers no TLS; the password is not sent")
            if parts.username and password:
                server.login(unquote(parts.username), password)
            for address in to:
                del message["To"]
                message["To"] = address
                server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise EditionError(f"{smtp_url}: {type(error).__name__}: {error}") from None


def read_settings(path: Path) -> dict:
    from pelican.settings import read_settings as pelican_settings

    return pelican_settings(str(path), override={"PATH": str(ROOT / "content")})  # the settings, not the posts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("date", help="the edition's day, YYYY-MM-DD")
    parser.add_argument("--site", type=Path, default=ROOT / "output", help="the built site (make html)")
    parser.add_argument("--out", type=Path, default=ROOT / "editions", help="where the .eml file goes")
    parser.add_argument("--settings", type=Path, default=ROOT / "pelican.conf.py")
    parser.add_argument("--send", metavar="SMTP_URL", help="smtps://user@host:465 or smtp://host:587")
    parser.add_argument("--to", type=Path, help="a file of recipients, one address a line")
    args = parser.parse_args(argv)
    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        print(f"error: {args.date!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    try:
        message = edition_message(args.site, day, read_settings(args.settings))
        if args.send:
            if not args.to:
                raise EditionError("--send needs --to, a file of recipients")
            to = recipients(args.to)
            send(message, args.send, to, os.environ.get("SMTP_PASSWORD"))
            print(f"sent the edition of {day} to {len(to)} address{'es' if len(to) != 1 else ''}")
            return 0
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / f"{day.isoformat()}.eml"
        path.write_bytes(bytes(message))
        print(path)
        return 0
    except EditionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
