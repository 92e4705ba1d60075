#!/usr/bin/env python3
"""Run Lighthouse over one page of each kind of the published site, and print the scores.

    lighthouse.py [--json FILE]

It audits what `make publish` makes: the site is built with publish.conf.py
for the loopback address it is then served on, so canonical URLs, feeds and
the sitemap are absolute, as on the real host.

Needs Lighthouse 12 (the last major that runs on Node 20), which `make lighthouse`
installs with `npm install`, and
Debian's Chromium at /usr/bin/chromium (or CHROME_PATH).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from serve import QuietSiteHandler

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run --disable-quic")


def pages_to_check(site: Path) -> dict[str, str]:
    """One page of each kind, found in the built site rather than hard-coded (search with results)."""
    article = min(site.glob("[0-9]*/[0-9]*/[0-9]*/*/index.html"))
    month = min(site.glob("[0-9]*/[0-9]*/index.html"))
    tag = min(site.glob("tag/*/index.html"))
    desk = min(site.glob("category/*/index.html"))
    day = min(site.glob("[0-9]*/[0-9]*/[0-9]*/index.html"))

    def relative(path: Path) -> str:
        return "/" + path.parent.relative_to(site).as_posix() + "/"

    return {
        "front page": "/",
        "article": relative(article),
        "tag page": relative(tag),
        "month archive": relative(month),
        "desk page": relative(desk),
        "day edition": relative(day),
        "archives": "/archives/",
        "tags index": "/tags/",
        "search results": "/search/?q=election&sort=newest",
    }


def serve(site: Path) -> ThreadingHTTPServer:
    """The site as a static host serves it (scripts/serve.py: 404.html for a missing page)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietSiteHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build_published(site: Path, siteurl: str) -> None:
    """`make publish`'s build, for `siteurl`, into `site`, with a cache of its own
    (beside `site`), so `make publish`'s cache never describes this build."""
    env = {**os.environ, "SITEURL": siteurl}
    bin_dir = Path(sys.executable).parent
    cache = site.parent / "cache"
    subprocess.run([str(bin_dir / "pelican"), "content", "-s", "publish.conf.py", "-o", str(site), "-q",
                    "-e", f"CACHE_PATH={json.dumps(str(cache))}"],
                   check=True, cwd=ROOT, env=env)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "search_index.py"), str(site),
                    "--model", str(cache.parent / "build.db")], check=True, cwd=ROOT)


def audit(url: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
             f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
            check=True, env=env,
        )
        data = json.loads(report.read_text())
    failing = [
        f"  {audit['id']}: {audit['title']}"
        for audit in data["audits"].values()
        if audit.get("score") is not None and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
    ]
    if failing:
        print(f"{url}: audits below full score:\n" + "\n".join(failing), file=sys.stderr)
    return {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}


def table(scores: dict[str, dict[str, int]]) -> str:
    header = "| page | " + " | ".join(CATEGORIES) + " |"
    rule = "|---|" + "---:|" * len(CATEGORIES)
    rows = [f"| {page} | " + " | ".join(str(s[c]) for c in CATEGORIES) + " |" for page, s in scores.items()]
    return "\n".join([header, rule, *rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print("error: Lighthouse is not installed; run `npm install`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        site.mkdir()
        server = serve(site)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            build_published(site, base)
            scores = {name: audit(base + path) for name, path in pages_to_check(site).items()}
        finally:
            server.shutdown()
    print(table(scores))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(scores, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
