"""Fetch a page or a feed politely and safely: one gate for every fetch.

Whatever asked for it (a URL the editor typed, a `.urls` list, a feed entry's
link, a page's `og:image`, every redirect hop), a fetch is:

- `http` or `https` only (`file:`, `data:`, `ftp:`... are refused);
- to an address checked before connecting, and connected to that very
  address (a second DNS answer cannot swap it): third-party links never reach
  loopback, private, link-local (a cloud's metadata service), multicast,
  reserved or unspecified networks. A URL the editor typed may, when the run
  allows private addresses (`--allow-private-addresses`, for intranets and
  tests), and so may its redirects while they stay on such networks;
- bounded: a deadline for the whole fetch (retries, redirects and every read),
  a size cap over all reads, a few redirects;
- polite: a clear User-Agent, and a few retries with growing pauses when the
  server is busy or the network hiccups;
- done once per run: the second asker gets the same page, or the same error
  naming its own input, also in another of the run's worker processes (they
  share a folder of fetched pages, one lock per URL).

Every failure and refusal is one line for the editor (a FetchError).
"""

from __future__ import annotations

import fcntl
import hashlib
import http.client
import ipaddress
import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import quote, urljoin, urlsplit

from .dump import DumpError

USER_AGENT = "NewsDigest/0.1 (a static news digest; converts one page per request)"
TIMEOUT_SECONDS = 20  # for one network wait
DEADLINE_SECONDS = 60  # for the whole fetch: retries, redirects, reads
MAX_BYTES = 10 * 2**20  # over every read of the body
MAX_REDIRECTS = 5
RETRIES = 3  # after the first try
BACKOFF_SECONDS = 1.0  # doubled after each retry
RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
SCHEMES = {"http": 80, "https": 443}
READ_CHUNK = 64 * 1024
ALLOW_PRIVATE_ENV = "NEWS_DIGEST_ALLOW_PRIVATE_ADDRESSES"  # "1": as --allow-private-addresses


@dataclass(frozen=True)
class Fetched:
    url: str  # where the page was found, after redirects
    content_type: str
    body: bytes


class FetchError(DumpError):
    """A fetch that failed or was refused: `source: url: reason`, one line."""

    def __init__(self, source: str, url: str, reason: str):
        self.url, self.reason = url, reason
        super().__init__(source, reason if source == url else f"{url}: {reason}")


class _Failed(Exception):
    """Inside the gate: why this URL gives no page (`retry`: worth another try)."""

    def __init__(self, reason: str, retry: bool = False):
        super().__init__(reason)
        self.reason, self.retry = reason, retry


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def read_url_list(text: str) -> list[str]:
    """A `.urls` file: one address a line; blank lines and `#` comments are skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def network_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """"" for an address on the public internet, else the kind of network it is on."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    # site_local: IPv6's retired fec0::/10, which Python 3.11 still counts as global
    for kind in ("loopback", "link_local", "site_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{kind}", False):
            return kind.replace("_", "-")
    return "" if address.is_global else "non-public"


def address_kind(address: str) -> str:
    """network_kind of an address as getaddrinfo gives it (`fe80::1%eth0`)."""
    return network_kind(ipaddress.ip_address(address.split("%")[0]))


def checked_addresses(host: str, port: int, allow_private: bool) -> list[str]:
    """The addresses `host` resolves to, every one of them allowed; else _Failed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise _Failed(f"cannot fetch: {getattr(error, 'strerror', None) or error}",
                      retry=isinstance(error, OSError)) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        kind = address_kind(address)
        if kind and not allow_private:
            where = f"{address} is" if host == address else f"{host} is at {address},"
            article = "an" if kind[0] in "aeiou" else "a"
            raise _Failed(f"refused: {where} {article} {kind} address "
                          "(only the editor's own URLs may reach private networks, with --allow-private-addresses)")
    return addresses


def _target(parts) -> str:
    """The request's path and query, with anything not ASCII percent-encoded."""
    path = parts.path or "/"
    return quote(path + (f"?{parts.query}" if parts.query else ""), safe="!#$%&'()*+,/:;=?@[]~")


def _too_late() -> _Failed:
    return _Failed(f"cannot fetch: not done within the deadline of {DEADLINE_SECONDS} seconds")


def _too_large() -> _Failed:
    return _Failed(f"over the size cap of {MAX_BYTES:,} bytes; not fetched")


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _too_late()
    return min(left, TIMEOUT_SECONDS)


def _watchdog(connection: http.client.HTTPConnection, deadline: float) -> threading.Timer:
    """Cut the connection at the deadline, whatever call is waiting on it: a
    socket timeout restarts with every byte, so a server dripping its headers
    or a TLS handshake would otherwise outlast any deadline."""
    def cut():
        sock = connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), cut)
    timer.daemon = True
    timer.start()
    return timer


def _connection(parts, addresses: list[str], deadline: float) -> http.client.HTTPConnection:
    """A connection to `parts`' host at one of the checked addresses, never a fresh lookup."""
    port = parts.port or SCHEMES[parts.scheme]
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, port, timeout=_remaining(deadline))

    def connect_checked(_address, _timeout, source_address=None):
        error: OSError = OSError("no address")
        for address in addresses:  # each tried with what is left of the deadline, not a fresh timeout
            try:
                return socket.create_connection((address, port), _remaining(deadline), source_address)
            except OSError as failed:
                error = failed
        raise error

    connection._create_connection = connect_checked  # the hook http.client itself uses to connect
    return connection


def _read_body(response: http.client.HTTPResponse, sock, deadline: float) -> bytes:
    length = response.getheader("Content-Length", "")
    if length.isdigit() and int(length) > MAX_BYTES:
        raise _too_large()
    chunks, size = [], 0
    while True:
        sock.settimeout(_remaining(deadline))
        chunk = response.read1(READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BYTES:
            raise _too_large()
        chunks.append(chunk)


@dataclass(frozen=True)
class _Answer:
    where: str  # the redirect's target, or "" for the page itself
    content_type: str
    body: bytes
    private: bool  # the host is on a private network (the editor's setting let it through)


def _hop(url: str, allow_private: bool, deadline: float) -> _Answer:
    """One request through the gate: the page, or where it redirects to."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        scheme = f"{parts.scheme}: addresses are" if parts.scheme else "a link without a scheme is"
        raise _Failed(f"refused: {scheme} never fetched (only http and https)")
    try:
        port = parts.port or SCHEMES[parts.scheme.lower()]
    except ValueError:
        raise _Failed("refused: not a valid port") from None
    if not parts.hostname:
        raise _Failed("refused: no host to fetch from")
    addresses = checked_addresses(parts.hostname, port, allow_private)
    private = any(address_kind(address) for address in addresses)
    parts = parts._replace(scheme=parts.scheme.lower())
    connection = _connection(parts, addresses, deadline)
    watchdog = _watchdog(connection, deadline)
    try:
        connection.connect()
        sock = connection.sock
        connection.request("GET", _target(parts), headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        response = connection.getresponse()
        if response.status in REDIRECT_STATUSES:
            location = response.getheader("Location", "")
            if not location:
                raise _Failed(f"the server answered {response.status} without saying where to")
            return _Answer(urljoin(url, location.strip()), "", b"", private)
        if not 200 <= response.status < 300:
            raise _Failed(f"the server answered {response.status} {response.reason}",
                          retry=response.status in RETRY_STATUSES)
        body = _read_body(response, sock, deadline)
        if time.monotonic() >= deadline:  # cut by the watchdog: what was read may be a part
            raise _too_late()
        return _Answer("", response.getheader("Content-Type", ""), body, private)
    except TimeoutError:
        if time.monotonic() >= deadline:  # the wait was cut to what was left of the deadline
            raise _too_late() from None
        raise _Failed("cannot fetch: timed out", retry=True) from None
    except (OSError, http.client.HTTPException, ValueError) as error:  # ValueError: a name IDNA refuses
        if time.monotonic() >= deadline:  # the watchdog cut the connection
            raise _too_late() from None
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise _Failed(f"cannot fetch: {' '.join(reason.split())}",
                      retry=isinstance(error, OSError | http.client.HTTPException)) from None
    finally:
        watchdog.cancel()
        connection.close()


def _fetch_once(url: str, allow_private: bool, deadline: float) -> Fetched:
    """Every hop of one try: the final page, or _Failed."""
    hop = url
    for _ in range(MAX_REDIRECTS + 1):
        answer = _hop(hop, allow_private, deadline)
        if not answer.where:
            return Fetched(hop, answer.content_type, answer.body)
        # A public site's redirect never leads into a private network, even
        # from an editor's URL: only an intranet's own redirects may.
        allow_private = allow_private and answer.private
        hop = answer.where
    raise _Failed(f"refused: more than {MAX_REDIRECTS} redirects")


def get(url: str, allow_private: bool = False, sleep=time.sleep, retries: int = RETRIES) -> Fetched:
    """The page at `url` through the gate, with retries; _Failed names why not."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    pause = BACKOFF_SECONDS
    for attempt in range(retries + 1):
        try:
            return _fetch_once(url, allow_private, deadline)
        except _Failed as failed:
            if not failed.retry or attempt == retries or time.monotonic() + pause >= deadline:
                raise
        sleep(pause)
        pause *= 2
    raise AssertionError("unreachable")


@dataclass
class Fetcher:
    """One run's fetches: each URL once (its page or its error), through the gate.

    The memo lives in this object, and, when the run's worker processes share
    a folder (`shared`), in that folder too: a URL one worker fetched is read
    from there by the others, and one asked for by two at once is fetched by
    the first while the second waits on its lock."""

    allow_private: bool = False  # the editor's own URLs may reach private networks
    sleep: object = time.sleep
    memo: dict = field(default_factory=dict)
    shared: str | None = None

    def __call__(self, url: str, source: str, *, typed: bool = False, retries: int | None = None) -> Fetched:
        """The page at `url`, asked for by `source` (typed: the editor's own URL); else FetchError."""
        allow_private = typed and self.allow_private
        key = (url, allow_private)
        if key not in self.memo:
            retries = RETRIES if retries is None else retries
            fetch = partial(_page_or_reason, url, allow_private, self.sleep, retries)
            self.memo[key] = shared_fetch(self.shared, key, fetch) if self.shared else fetch()
        found = self.memo[key]
        if isinstance(found, str):
            raise FetchError(source, url, found)
        return found


def _page_or_reason(url: str, allow_private: bool, sleep, retries: int) -> Fetched | str:
    try:
        return get(url, allow_private, sleep, retries)
    except _Failed as failed:
        return failed.reason


def shared_fetch(folder: str, key: tuple, fetch) -> Fetched | str:
    """`fetch()`'s page or reason, done once among the processes sharing `folder`:
    under the URL's lock, read what another process saved, else fetch and save it
    (the body, then a JSON note that says it is whole)."""
    base = os.path.join(folder, hashlib.sha256(repr(key).encode("utf-8")).hexdigest())
    with open(f"{base}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(f"{base}.json", encoding="utf-8") as stream:
                note = json.load(stream)
        except (OSError, ValueError):
            found = fetch()
            note = {"reason": found} if isinstance(found, str) else {"url": found.url,
                                                                      "content_type": found.content_type}
            if not isinstance(found, str):
                with open(f"{base}.body", "wb") as stream:
                    stream.write(found.body)
            with open(f"{base}.json", "w", encoding="utf-8") as stream:
                json.dump(note, stream)
            return found
    if "reason" in note:
        return note["reason"]
    with open(f"{base}.body", "rb") as stream:
        return Fetched(note["url"], note["content_type"], stream.read())
