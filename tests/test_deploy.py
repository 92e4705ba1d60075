"""`make deploy` against a real S3-compatible server on 127.0.0.1 (moto in server mode).

What an editor would notice: the first deploy sends the whole site, a repeat
sends nothing, a new story sends only the files it changed, a removed story's
pages leave the bucket, a deploy killed halfway is finished by the next one,
and every object is served with the right type and cache life.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import buildmodel
import deploy
import pytest
import yaml
from conftest import CORPUS, DUMPS, ROOT
from moto.server import ThreadedMotoServer
from project import MAKE_ENV, make, ok, project_copy

pytestmark = pytest.mark.site
SITEURL = "https://news.example.org"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
MANIFEST = ".newsroom-deploy.json"
OUR_MARKS = {"newsroom-sha256": hashlib.sha256(b"old").hexdigest(), "newsroom-prefix": "/site/"}


@pytest.fixture(scope="module")
def endpoint():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def store(endpoint, monkeypatch):
    """A fresh bucket, and the environment `make deploy` reads."""
    bucket = f"digest-{uuid.uuid4().hex[:12]}"
    env = {"DEPLOY_URL": f"s3://{bucket}/site", "DEPLOY_ENDPOINT": endpoint, "AWS_ACCESS_KEY_ID": "test",
           "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket=bucket)
    return {"client": client, "bucket": bucket, "env": env}


def bucket_etags(store, prefix: str = "site/") -> dict[str, str]:
    """Name in the site -> MD5, for every object under the deploy prefix but the deploy's manifest."""
    pages = store["client"].get_paginator("list_objects_v2").paginate(Bucket=store["bucket"], Prefix=prefix)
    return {item["Key"][len(prefix):]: item["ETag"].strip('"') for page in pages for item in page.get("Contents", [])
            if item["Key"] != prefix + MANIFEST}


def kept(names) -> set[str]:
    """Of the names, the hashed assets and search files a cached page may still load."""
    return {name for name in names if deploy.kept_after_removal(name)}


def site_md5s(output: Path) -> dict[str, str]:
    return {path.relative_to(output).as_posix(): hashlib.md5(path.read_bytes()).hexdigest()
            for path in output.rglob("*") if path.is_file()}


def named(done: subprocess.CompletedProcess, action: str) -> set[str]:
    """The files a deploy's output names after `action` ("upload ", "delete ", "would upload ")."""
    return {line.removeprefix(action) for line in done.stdout.splitlines() if line.startswith(action)}


def uploaded(done: subprocess.CompletedProcess) -> set[str]:
    return named(done, "upload ")


def deleted(done: subprocess.CompletedProcess) -> set[str]:
    return named(done, "delete ")


@pytest.fixture
def newsroom(tmp_path) -> Path:
    """The project with the seed and the three corpus months (41 stories) in content/raw."""
    project = project_copy(tmp_path / "project")
    for dump in CORPUS.glob("*.txt"):
        shutil.copy(dump, project / "content/raw" / dump.name)
    return project


def test_headers_give_each_kind_of_file_its_type_and_cache_life():
    expected = {
        "index.html": ("text/html; charset=utf-8", SHORT),
        "2025/03/03/a-story/index.html": ("text/html; charset=utf-8", SHORT),
        "feeds/all.atom.xml": ("application/atom+xml", SHORT),
        "feeds/all.rss.xml": ("application/rss+xml", SHORT),
        "feeds/all.json": ("application/feed+json", SHORT),
        "feeds/tag/kenya.json": ("application/feed+json", SHORT),
        "sitemap.xml": ("application/xml", SHORT),
        "sitemaps/2025.xml": ("application/xml", SHORT),
        "news-sitemap.xml": ("application/xml", SHORT),
        "robots.txt": ("text/plain; charset=utf-8", SHORT),
        "pagefind/bundles.json": ("application/json", SHORT),
        "pagefind/2025/pagefind.js": ("text/javascript; charset=utf-8", SHORT),
        "pagefind/2025/pagefind-entry.json": ("application/json", SHORT),
        "pagefind/2025/wasm.en.pagefind": ("application/octet-stream", SHORT),
        "pagefind/2025/pagefind.en_92d89d2edf.pf_meta": ("application/octet-stream", IMMUTABLE),
        "pagefind/2025/fragment/en_1a2b3c4.pf_fragment": ("application/octet-stream", IMMUTABLE),
        "theme/css/site.0123456789.css": ("text/css; charset=utf-8", IMMUTABLE),
        "theme/js/search.abcdef0123.js": ("text/javascript; charset=utf-8", IMMUTABLE),
        "theme/css/site.css": ("text/css; charset=utf-8", SHORT),
        "images/kenya-talks-0123456789-800.avif": ("image/avif", IMMUTABLE),
        "images/kenya-talks-0123456789-480.webp": ("image/webp", IMMUTABLE),
    }
    for name, (kind, life) in expected.items():
        assert (deploy.content_type(name), deploy.cache_control(name)) == (kind, life), name


def test_a_plan_uploads_new_and_changed_files_hashed_first_pages_last_and_deletes_the_rest(tmp_path):
    files = {name: deploy.LocalFile(name, tmp_path / name, digest) for name, digest in
             [("index.html", "1"), ("theme/css/site.0123456789.css", "2"), ("feeds/all.atom.xml", "3"),
              ("about/index.html", "4")]}
    remote = {name: deploy.Known(digest, "etag", 1) for name, digest in
              [("index.html", "old"), ("about/index.html", "4"), ("gone/index.html", "5")]}
    plan = deploy.plan_sync(files, remote)
    assert [file.name for file in plan.uploads] == ["theme/css/site.0123456789.css", "feeds/all.atom.xml",
                                                   "index.html"]
    assert plan.deletes == ["gone/index.html"]
    assert plan.unchanged == 1


def test_the_first_deploy_uploads_everything_and_a_repeat_uploads_nothing(newsroom, store):
    first = ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    local = site_md5s(newsroom / "public")
    assert uploaded(first) == set(local)
    assert bucket_etags(store) == local
    again = ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    assert uploaded(again) == set() and deleted(again) == set()
    assert "0 uploaded, 0 deleted" in again.stdout

    client, bucket = store["client"], store["bucket"]
    page = client.head_object(Bucket=bucket, Key="site/index.html")
    assert (page["ContentType"], page["CacheControl"]) == ("text/html; charset=utf-8", SHORT)
    feed = client.head_object(Bucket=bucket, Key="site/feeds/all.atom.xml")
    assert (feed["ContentType"], feed["CacheControl"]) == ("application/atom+xml", SHORT)
    css = next(name for name in local if name.startswith("theme/css/site.") and name != "theme/css/site.css")
    style = client.head_object(Bucket=bucket, Key=f"site/{css}")
    assert (style["ContentType"], style["CacheControl"]) == ("text/css; charset=utf-8", IMMUTABLE)
    fragment = next(name for name in local if name.endswith(".pf_fragment"))
    assert client.head_object(Bucket=bucket, Key=f"site/{fragment}")["CacheControl"] == IMMUTABLE
    body = client.get_object(Bucket=bucket, Key=f"site/{css}")["Body"].read()
    assert body == (newsroom / "public" / css).read_bytes()


def test_a_new_story_uploads_only_the_files_it_changed_and_a_removed_story_leaves_the_bucket(newsroom, store):
    ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    before = site_md5s(newsroom / "public")

    shutil.copy(DUMPS / "no_photo.txt", newsroom / "content/raw/no_photo.txt")  # one story, 3 March 2025
    after_new = ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    after = site_md5s(newsroom / "public")
    changed = {name for name, md5 in after.items() if before.get(name) != md5}
    story = "2025/03/03/kenya-and-ethiopia-sign-border-water-deal/index.html"
    assert story in changed
    assert uploaded(after_new) == changed
    retired = kept(set(before) - set(after))  # search files the new index no longer names: kept a while
    assert deleted(after_new) == set(before) - set(after) - retired
    print(f"one new story: {len(changed)} files uploaded, {len(deleted(after_new))} deleted, "
          f"of {len(after)} in the site")
    assert len(changed) <= 60
    assert bucket_etags(store) == after | {name: before[name] for name in retired}

    post = newsroom / "content/articles/2025-03-03-kenya-and-ethiopia-sign-border-water-deal.md"
    post.unlink()  # an editor takes the story down
    removed = ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    assert story in deleted(removed)
    assert story not in bucket_etags(store)
    final = site_md5s(newsroom / "public")
    assert {name: md5 for name, md5 in bucket_etags(store).items() if name in final} == final
    assert kept(set(bucket_etags(store)) - set(final)) == set(bucket_etags(store)) - set(final)


def test_a_deploy_killed_halfway_is_finished_by_the_next_one(newsroom, store):
    ok(make(newsroom, "publish", SITEURL=SITEURL))
    output = newsroom / "public"
    command = [sys.executable, str(ROOT / "scripts/deploy.py"), str(output), "--workers", "1"]
    env = {**os.environ, **MAKE_ENV, **store["env"], "PYTHONUNBUFFERED": "1"}
    running = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    sent = 0
    for line in running.stdout:
        sent += line.startswith("upload ")
        if sent == 5:
            running.send_signal(signal.SIGKILL)
            break
    running.wait()
    running.stdout.close()
    assert running.returncode == -signal.SIGKILL
    partial = bucket_etags(store)
    local = site_md5s(output)
    assert 5 <= len(partial) < len(local)

    finish = subprocess.run(command, env=env, capture_output=True, text=True)
    assert finish.returncode == 0, finish.stderr
    assert uploaded(finish) == set(local) - {name for name, md5 in partial.items() if local.get(name) == md5}
    assert bucket_etags(store) == local
    repeat = subprocess.run(command, env=env, capture_output=True, text=True)
    assert uploaded(repeat) == set()


def test_a_dry_run_prints_the_plan_and_changes_nothing(newsroom, store):
    ok(make(newsroom, "publish", SITEURL=SITEURL))
    store["client"].put_object(Bucket=store["bucket"], Key="site/old-page/index.html", Body=b"old",
                               Metadata=OUR_MARKS)  # left by an earlier deploy
    dry = ok(make(newsroom, "deploy", SITEURL=SITEURL, DRY_RUN="1", CONFIRM_DELETIONS="1", **store["env"]))
    local = site_md5s(newsroom / "public")
    assert named(dry, "would upload ") == set(local)
    assert "would delete old-page/index.html" in dry.stdout
    assert bucket_etags(store) == {"old-page/index.html": hashlib.md5(b"old").hexdigest()}


def test_a_deploy_without_the_sites_address_stops_before_building_or_uploading(newsroom, store):
    done = make(newsroom, "deploy", **store["env"])
    assert done.returncode != 0
    assert "error: deploy: SITEURL is not set" in done.stderr and "Traceback" not in done.stderr
    assert not (newsroom / "public").exists() and not (newsroom / "output").exists()
    assert bucket_etags(store) == {}


@pytest.mark.parametrize("settings, message", [
    ({"DEPLOY_URL": ""}, "DEPLOY_URL must look like s3://bucket/prefix"),
    ({"DEPLOY_URL": "https://bucket.example/prefix"}, "DEPLOY_URL must look like s3://bucket/prefix"),
    ({"DEPLOY_URL": "s3://no-such-bucket/site"}, "s3://no-such-bucket/site/: NoSuchBucket"),
])
def test_bad_settings_get_one_line_and_no_traceback(tmp_path, store, settings, message):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("<!doctype html><title>x</title>")
    env = {**os.environ, **store["env"], **settings}
    done = subprocess.run([sys.executable, str(ROOT / "scripts/deploy.py"), str(output)], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


# ---- a deploy that never destroys by accident --------------------------------------------

def small_site(output: Path, stories: int, pages: int = 40) -> Path:
    """A built site in miniature: a home page, `stories` story pages and `pages` listing pages."""
    write = {"index.html": "<!doctype html><title>home</title>"}
    write |= {f"2025/03/{day:02d}/story-{day}/index.html": f"<title>story {day}</title>"
              for day in range(1, stories + 1)}
    write |= {f"tag/topic-{number}/index.html": f"<title>topic {number}</title>" for number in range(pages)}
    for name, text in write.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(text)
    return output


def deploy_command(output: Path, store, *flags: str, **settings: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **store["env"], **settings}
    return subprocess.run([sys.executable, str(ROOT / "scripts/deploy.py"), str(output), *flags], env=env,
                          capture_output=True, text=True)


def client_for(store):
    """A client of our own, so the test can listen to its requests."""
    return boto3.client("s3", endpoint_url=store["env"]["DEPLOY_ENDPOINT"], region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def counting(client) -> dict[str, int]:
    """Requests the client makes, by operation."""
    calls: dict[str, int] = {}

    def count(model, **_):
        calls[model.name] = calls.get(model.name, 0) + 1

    client.meta.events.register("before-call.s3", count)
    return calls


def with_kms_etags(client):
    """ETags as SSE-KMS gives them: opaque, not the MD5 of the bytes (same answer for the same object)."""

    def opaque(etag: str) -> str:
        return '"' + hashlib.sha1(b"kms" + etag.encode()).hexdigest()[:32] + '"'

    def rewrite(parsed, **_):
        for item in parsed.get("Contents", []):
            item["ETag"] = opaque(item["ETag"])
        if "ETag" in parsed:
            parsed["ETag"] = opaque(parsed["ETag"])

    for operation in ("ListObjectsV2", "PutObject", "HeadObject"):
        client.meta.events.register(f"after-call.s3.{operation}", rewrite)
    return client


def test_a_deploy_that_would_delete_more_than_a_tenth_of_the_site_stops_before_sending_anything(newsroom, store):
    ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    before = bucket_etags(store)
    articles = sorted((newsroom / "content/articles").glob("2025-0[23]-*.md"))
    assert len(articles) >= 20
    for post in articles[:20]:  # an editor's slip: twenty stories deleted by mistake
        post.unlink()
    shutil.copy(DUMPS / "no_photo.txt", newsroom / "content/raw/no_photo.txt")  # and one new story

    stopped = make(newsroom, "deploy", SITEURL=SITEURL, **store["env"])
    assert stopped.returncode != 0
    line = next(line for line in stopped.stderr.splitlines() if line.startswith("error: deploy:"))
    figures = re.search(r"would delete (\d+) of its (\d+) pages and feeds \((\d+\.\d)%\)", line)
    assert figures, line
    count, total, share = figures.groups()
    pages_and_feeds = [name for name in before if not deploy.kept_after_removal(name)]
    assert int(total) == len(pages_and_feeds) and float(share) > 10 and "CONFIRM_DELETIONS=1" in line
    assert "Traceback" not in stopped.stderr and uploaded(stopped) == set() and deleted(stopped) == set()
    assert bucket_etags(store) == before  # nothing sent, nothing deleted

    confirmed = ok(make(newsroom, "deploy", SITEURL=SITEURL, CONFIRM_DELETIONS="1", **store["env"]))
    assert len(deleted(confirmed)) == int(count)
    assert "2025/03/03/kenya-and-ethiopia-sign-border-water-deal/index.html" in bucket_etags(store)


def test_a_site_of_under_ten_stories_stops_for_any_deletion(tmp_path, store):
    output = small_site(tmp_path / "output", stories=3)
    assert deploy_command(output, store).returncode == 0
    before = bucket_etags(store)
    (output / "tag/topic-0/index.html").unlink()  # 1 object of 44: a small share, but a small site
    (output / "new/index.html").parent.mkdir()
    (output / "new/index.html").write_text("<title>new</title>")

    stopped = deploy_command(output, store)
    assert stopped.returncode == 2
    assert stopped.stderr.strip().splitlines() == [
        f"error: deploy: s3://{store['bucket']}/site/: would delete 1 of its 44 pages and feeds (2.3%) "
        f"while the site has 3 stories (under 10); nothing uploaded or deleted. Check {output}/, or confirm with "
        f"`make deploy CONFIRM_DELETIONS=1` (deploy.py --allow-deletions)"]
    assert bucket_etags(store) == before
    assert deploy_command(output, store, "--allow-deletions").returncode == 0
    assert "tag/topic-0/index.html" not in bucket_etags(store) and "new/index.html" in bucket_etags(store)


def test_the_share_is_settable(tmp_path, store):
    output = small_site(tmp_path / "output", stories=12, pages=8)  # 21 objects
    assert deploy_command(output, store).returncode == 0
    for number in range(3):  # 3 of 21: 14.3%
        (output / f"tag/topic-{number}/index.html").unlink()
    assert "more than 10%" in deploy_command(output, store).stderr
    assert deploy_command(output, store, "--max-delete-share", "15").returncode == 0
    assert len(bucket_etags(store)) == 18


def test_a_bucket_root_keeps_what_this_site_did_not_put_there(tmp_path, store):
    client, bucket = store["client"], store["bucket"]
    others = {"backups/2025-03-01.sql": b"-- the newsroom's database", "index-old.html": b"an old home page",
              "blog/index.html": b"<title>another site</title>"}
    for key, body in others.items():
        client.put_object(Bucket=bucket, Key=key, Body=body)
    other_site = small_site(tmp_path / "blog", stories=12, pages=0)  # a second site deployed under blog/
    assert deploy_command(other_site, store, DEPLOY_URL=f"s3://{bucket}/blog").returncode == 0
    blog = bucket_etags(store, "blog/")

    output = small_site(tmp_path / "output", stories=12, pages=2)
    root = {"DEPLOY_URL": f"s3://{bucket}"}
    first = deploy_command(output, store, **root)
    assert first.returncode == 0, first.stderr
    (output / "tag/topic-0/index.html").unlink()  # 1 of the site's 15 objects: under the limit
    again = deploy_command(output, store, **root)
    assert again.returncode == 0, again.stderr

    assert deleted(again) == {"tag/topic-0/index.html"}
    assert bucket_etags(store, "blog/") == blog
    for key, body in others.items():
        if not key.startswith("blog/"):
            assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == body


def test_retired_hashed_assets_and_search_files_outlive_the_pages_cache_then_go(tmp_path, store):
    client = client_for(store)
    target = deploy.Target(store["bucket"], "site/")
    output = small_site(tmp_path / "output", stories=12, pages=0)
    old_assets = {"theme/css/site.0123456789.css": "body{}", "images/kenya-talks-0123456789-480.webp": "webp",
                  "pagefind/2025/fragment/en_1a2b3c4.pf_fragment": "old fragment",
                  "pagefind/2024/pagefind-entry.json": "{}"}  # a whole bundle gone
    for name, text in old_assets.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(text)
    start = 1_000_000.0
    assert deploy.deploy(output, target, client, say=lambda line: None, clock=lambda: start) == 0

    for name in old_assets:
        (output / name).unlink()
    (output / "theme/css/site.abcdef0123.css").write_text("body{color:black}")  # the new edition's
    (output / "pagefind/2025/fragment/en_5d6e7f8.pf_fragment").write_text("new fragment")

    def deploy_at(moment: float) -> set[str]:
        assert deploy.deploy(output, target, client, say=lambda line: None, clock=lambda: moment) == 0
        return set(bucket_etags(store))

    assert set(old_assets) <= deploy_at(start + 60)  # first deploy without them: kept
    assert set(old_assets) <= deploy_at(start + 60 + deploy.GRACE_SECONDS - 1)  # within the grace period
    after = deploy_at(start + 60 + deploy.GRACE_SECONDS)
    assert not set(old_assets) & after  # past it: gone
    assert {"theme/css/site.abcdef0123.css", "pagefind/2025/fragment/en_5d6e7f8.pf_fragment"} <= after


def test_the_grace_period_outlasts_the_pages_cache_life(tmp_path, store):
    page_life = int(re.search(r"max-age=(\d+)", deploy.cache_control("2025/03/03/a-story/index.html")).group(1))
    assert deploy.GRACE_SECONDS >= page_life
    output = small_site(tmp_path / "output", stories=1, pages=0)
    short = deploy_command(output, store, "--grace", str(page_life - 1))
    assert short.returncode == 2 and "shorter than the pages' cache life" in short.stderr
    assert bucket_etags(store) == {}


def test_a_store_whose_etags_are_not_md5s_gets_nothing_sent_twice_nor_asked_per_object(tmp_path, store):
    client = with_kms_etags(client_for(store))
    calls = counting(client)
    target = deploy.Target(store["bucket"], "site/")
    output = small_site(tmp_path / "output", stories=12, pages=300)
    assert deploy.deploy(output, target, client, say=lambda line: None) == 0
    sent_first = calls.get("PutObject")
    calls.clear()
    lines = []
    assert deploy.deploy(output, target, client, say=lines.append) == 0
    assert lines == [f"deploy: {target}: 0 uploaded, 0 deleted, 0 kept for the grace period, 313 unchanged, "
                     f"0 not ours left alone"]
    assert calls == {"ListObjectsV2": 1, "GetObject": 1}  # one listing and the manifest: no HEAD, no PUT
    assert sent_first == 313 + 1  # the first deploy: the site, then the manifest


def test_a_lost_manifest_costs_one_question_per_object_not_an_upload(tmp_path, store):
    client = with_kms_etags(client_for(store))
    target = deploy.Target(store["bucket"], "site/")
    output = small_site(tmp_path / "output", stories=12, pages=5)
    assert deploy.deploy(output, target, client, say=lambda line: None) == 0
    client.delete_object(Bucket=store["bucket"], Key=f"site/{MANIFEST}")
    calls = counting(client)
    lines = []
    assert deploy.deploy(output, target, client, say=lines.append) == 0
    assert lines[-1].startswith(f"deploy: {target}: 0 uploaded")
    assert calls.get("HeadObject") == 18 and calls.get("PutObject") == 1  # 18 questions, then the manifest


def test_an_object_without_our_hash_is_sent_once(tmp_path, store):
    output = small_site(tmp_path / "output", stories=12, pages=0)
    page = (output / "index.html").read_bytes()
    store["client"].put_object(Bucket=store["bucket"], Key="site/index.html", Body=page)  # same bytes, no marks
    first = deploy_command(output, store)
    assert "upload index.html" in first.stdout.splitlines()
    marks = store["client"].head_object(Bucket=store["bucket"], Key="site/index.html")["Metadata"]
    assert marks == {"newsroom-sha256": hashlib.sha256(page).hexdigest(), "newsroom-prefix": "/site/"}
    assert "upload index.html" not in deploy_command(output, store).stdout.splitlines()


# ---- this checkout's record of its own deploys (make deploy: --record cache/build.db) -------


def record_in(model: Path, store) -> deploy.Record:
    """The record `make deploy` keeps of this store in the build model."""
    target = deploy.Target(store["bucket"], "site/")
    return deploy.read_record(model, deploy.record_scope(target, store["env"]["DEPLOY_ENDPOINT"]))


def recorded_deploy(output: Path, store, model: Path, client=None, **options) -> list[str]:
    """deploy.deploy with a record, as `make deploy` runs it; the lines it says."""
    target = deploy.Target(store["bucket"], "site/")
    record = record_in(model, store)
    lines: list[str] = []
    assert deploy.deploy(output, target, client or client_for(store), say=lines.append, record=record,
                         **options) == 0
    return lines


def deploy_listing_the_store(output: Path, store, model: Path) -> list[str]:
    """A recorded deploy that must list the store (its record vouches for nothing); the lines it says."""
    client = client_for(store)
    calls = counting(client)
    lines = recorded_deploy(output, store, model, client)
    assert calls.get("ListObjectsV2") == 1
    assert bucket_etags(store) == site_md5s(output)
    return lines


def deploy_cut_short(output: Path, store, monkeypatch, model: Path | None = None) -> None:
    """A deploy whose upload of index.html fails, as a dropped connection would: the
    other files are sent, nothing is deleted, the manifest is not rewritten."""
    upload = deploy.upload

    def failing(client, target, file):
        if file.name == "index.html":
            raise OSError("connection reset")
        return upload(client, target, file)

    target = deploy.Target(store["bucket"], "site/")
    record = record_in(model, store) if model else None
    with monkeypatch.context() as patch:
        patch.setattr(deploy, "upload", failing)
        assert deploy.deploy(output, target, client_for(store), say=lambda line: None, record=record) == 1


def counting_reads(monkeypatch) -> list[str]:
    """Files read to be hashed."""
    read: list[str] = []
    hash_of = deploy.sha256_of
    monkeypatch.setattr(deploy, "sha256_of", lambda path: read.append(path.name) or hash_of(path))
    return read


def test_a_repeat_deploy_from_the_same_checkout_asks_the_store_one_question_and_reads_no_file(
        tmp_path, store, monkeypatch):
    output = small_site(tmp_path / "output", stories=12, pages=300)
    recorded_deploy(output, store, tmp_path / "build.db")
    client, read = client_for(store), counting_reads(monkeypatch)
    calls = counting(client)
    lines = recorded_deploy(output, store, tmp_path / "build.db", client)
    assert lines[-1].startswith("deploy: s3://") and "0 uploaded, 0 deleted" in lines[-1]
    assert calls == {"GetObject": 1} and read == []  # the manifest, and no listing, no HEAD, no file hashed

    (output / "index.html").write_text("<title>the new edition</title>")
    (output / "tag/topic-0/index.html").unlink()
    calls.clear()
    lines = recorded_deploy(output, store, tmp_path / "build.db", client)
    assert [line for line in lines if line.startswith(("upload ", "delete "))] == [
        "upload index.html", "delete tag/topic-0/index.html"]
    assert read == ["index.html"]
    assert "ListObjectsV2" not in calls
    assert set(bucket_etags(store)) == {path.relative_to(output).as_posix() for path in output.rglob("*.html")}


def test_a_deploy_from_another_checkout_makes_the_next_one_list_the_store(tmp_path, store):
    ours = small_site(tmp_path / "ours", stories=12, pages=20)
    recorded_deploy(ours, store, tmp_path / "our-record")
    theirs = small_site(tmp_path / "theirs", stories=12, pages=20)
    (theirs / "index.html").write_text("<title>their edition</title>")
    (theirs / "extra/index.html").parent.mkdir()
    (theirs / "extra/index.html").write_text("<title>theirs only</title>")
    recorded_deploy(theirs, store, tmp_path / "their-record")

    lines = deploy_listing_the_store(ours, store, tmp_path / "our-record")
    assert {"upload index.html", "delete extra/index.html"} <= set(lines)


def test_a_deploy_cut_short_leaves_a_record_that_vouches_for_nothing(tmp_path, store, monkeypatch):
    output = small_site(tmp_path / "output", stories=12, pages=20)
    recorded_deploy(output, store, tmp_path / "build.db")
    (output / "new/index.html").parent.mkdir()
    (output / "new/index.html").write_text("<title>sent, then the deploy failed</title>")
    (output / "index.html").write_text("<title>not sent</title>")
    deploy_cut_short(output, store, monkeypatch, tmp_path / "build.db")

    (output / "new/index.html").unlink()  # gone from the site before the next deploy: its object must go too
    lines = deploy_listing_the_store(output, store, tmp_path / "build.db")
    assert {"upload index.html", "delete new/index.html"} <= set(lines)


def test_a_deploy_cut_short_elsewhere_makes_the_next_one_here_list_the_store(tmp_path, store, monkeypatch):
    """A deploy that changes the store marks the manifest first, with or without a record
    of its own (CI's has none): if it never finishes, no checkout's record vouches any more."""
    ours = small_site(tmp_path / "ours", stories=12, pages=20)
    recorded_deploy(ours, store, tmp_path / "our-record")
    theirs = small_site(tmp_path / "theirs", stories=12, pages=20)
    (theirs / "extra/index.html").parent.mkdir()
    (theirs / "extra/index.html").write_text("<title>theirs only</title>")
    (theirs / "index.html").write_text("<title>their edition, never sent</title>")
    deploy_cut_short(theirs, store, monkeypatch)  # no record, as CI's sync step runs it
    assert "extra/index.html" in bucket_etags(store)

    assert "delete extra/index.html" in deploy_listing_the_store(ours, store, tmp_path / "our-record")


def test_verify_lists_the_store_and_restores_an_object_deleted_by_hand(tmp_path, store):
    output = small_site(tmp_path / "output", stories=12, pages=20)
    recorded_deploy(output, store, tmp_path / "build.db")
    store["client"].delete_object(Bucket=store["bucket"], Key="site/tag/topic-3/index.html")
    lines = recorded_deploy(output, store, tmp_path / "build.db", verify=True)
    assert "upload tag/topic-3/index.html" in lines
    assert bucket_etags(store) == site_md5s(output)


def test_an_unreadable_record_vouches_for_nothing(tmp_path, store):
    output = small_site(tmp_path / "output", stories=12, pages=5)
    recorded_deploy(output, store, tmp_path / "build.db")
    record = record_in(tmp_path / "build.db", store)
    buildmodel.write(record.model, (deploy.SENT, record.scope, {"index.html": "not a list"}, None),
                     (deploy.DEPLOY, record.scope, {"deploy": {"format": 2, "manifest_etag": 7}}, None))
    store["client"].delete_object(Bucket=store["bucket"], Key="site/index.html")
    assert "upload index.html" in deploy_listing_the_store(output, store, tmp_path / "build.db")


# ---- the workflow: credentials for the upload alone, no pickle from a cache ---------------

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))


def workflow_steps():
    """(workflow file, job, step) for every step of every workflow."""
    for path in WORKFLOWS:
        for job_name, job in yaml.safe_load(path.read_text())["jobs"].items():
            for step in job.get("steps", []):
                yield path.name, job_name, step


def test_only_the_sync_step_sees_the_store_credentials():
    holding = []
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text())
        assert "AWS" not in str(workflow.get("env", {})), path.name
        for job_name, job in workflow["jobs"].items():
            assert "AWS" not in str(job.get("env", {})) and "secrets." not in str(job.get("env", {})), job_name
    for workflow, job, step in workflow_steps():
        if "secrets." in str(step) or "AWS_" in str(step.get("env", {})):
            holding.append((workflow, job, step))
    assert len(holding) == 1
    workflow, job, step = holding[0]
    assert workflow == "deploy-object-store.yml"
    assert step["run"].split()[:2] == [".venv/bin/python", "scripts/deploy.py"]  # the upload, nothing else
    built = [(other_job, other) for name, other_job, other in workflow_steps()
             if name == workflow and "make publish" in str(other.get("run", ""))]
    assert len(built) == 1 and "secrets." not in str(built[0][1])
    # The build fetches from the internet and runs Pagefind: another job, so another
    # runner, whose only hand-over is the built site; nothing in the sync's job builds.
    assert built[0][0] != job
    sync_job = [step for name, other_job, step in workflow_steps() if name == workflow and other_job == job]
    assert not [step for step in sync_job if any(word in str(step.get("run", ""))
                                                 for word in ("publish", "html", "pagefind", ".ci/run", "convert"))]
    assert [step["with"]["name"] for step in sync_job if "download-artifact" in str(step.get("uses", ""))] == ["site"]


def test_no_cache_restored_into_a_job_holds_a_pickle(newsroom):
    ok(make(newsroom, "publish", SITEURL=SITEURL))  # what a build leaves in output/ and cache/
    restored = [line.strip() for _, _, step in workflow_steps() if str(step.get("uses", "")).startswith("actions/cache")
                for line in step["with"]["path"].splitlines() if line.strip()]
    assert restored
    files = [path for line in restored for found in newsroom.glob(line)
             for path in ([found] if found.is_file() else found.rglob("*")) if path.is_file()]
    assert any(path.name == "index.html" for path in files)  # the site is restored: the test looks at real files
    pickles = [str(path.relative_to(newsroom)) for path in files if path.read_bytes()[:1] == b"\x80"]
    assert pickles == []


def test_photos_and_search_files_do_not_dilute_the_share_of_stories_deleted(tmp_path, store):
    output = small_site(tmp_path / "output", stories=20, pages=0)  # 21 pages and feeds
    for day in range(1, 21):  # each story brings a photo and search files, as a real site's do
        (output / f"images/story-{day}-0123456789-800.webp").parent.mkdir(parents=True, exist_ok=True)
        (output / f"images/story-{day}-0123456789-800.webp").write_bytes(b"webp %d" % day)
        for part in range(3):
            fragment = output / f"pagefind/2025/fragment/en_{day:02d}{part}.pf_fragment"
            fragment.parent.mkdir(parents=True, exist_ok=True)
            fragment.write_bytes(b"fragment %d %d" % (day, part))
    assert deploy_command(output, store).returncode == 0
    for day in range(1, 4):  # 3 stories of 20 removed by mistake: 3 of 21 pages, 12 of 101 objects
        shutil.rmtree(output / f"2025/03/{day:02d}")
        (output / f"images/story-{day}-0123456789-800.webp").unlink()
        for part in range(3):
            (output / f"pagefind/2025/fragment/en_{day:02d}{part}.pf_fragment").unlink()
    stopped = deploy_command(output, store)
    assert stopped.returncode == 2
    assert "would delete 3 of its 21 pages and feeds (14.3%), more than 10%" in stopped.stderr
