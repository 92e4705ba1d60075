"""Fetch a page or a feed politely: a clear User-Agent, a timeout, a size cap,
and a few retries with growing pauses when the server is busy or the network
hiccups. Every failure is one line for the editor (a DumpError)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from .dump import DumpError

USER_AGENT = "NewsDigest/0.1 (a static news digest; converts one page per request)"
TIMEOUT_SECONDS = 20
MAX_BYTES = 10 * 2**20
RETRIES = 3  # after the first try
BACKOFF_SECONDS = 1.0  # doubled after each retry
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Fetched:
    url: str  # where the page was found, after redirects
    content_type: str
    body: bytes


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def fetch(url: str, sleep=time.sleep, retries: int | None = None) -> Fetched:
    """The page at `url`, or DumpError naming the URL and why."""
    retries = RETRIES if retries is None else retries
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    pause = BACKOFF_SECONDS
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                body = response.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    raise DumpError(url, f"over the size cap of {MAX_BYTES:,} bytes; not fetched")
                return Fetched(response.geturl(), response.headers.get("Content-Type", ""), body)
        except urllib.error.HTTPError as error:
            if error.code not in RETRY_STATUSES or attempt == retries:
                raise DumpError(url, f"the server answered {error.code} {error.reason}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            if attempt == retries:
                reason = getattr(error, "reason", error)
                raise DumpError(url, f"cannot fetch: {reason}") from None
        sleep(pause)
        pause *= 2
    raise AssertionError("unreachable")


def read_url_list(text: str) -> list[str]:
    """A `.urls` file: one address a line; blank lines and `#` comments are skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
