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
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import deploy
import pytest
from conftest import CORPUS, DUMPS, ROOT
from moto.server import ThreadedMotoServer
from project import MAKE_ENV, make, ok, project_copy

pytestmark = pytest.mark.site
SITEURL = "https://news.example.org"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


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


def bucket_etags(store) -> dict[str, str]:
    """Name in the site -> MD5, for every object under the deploy prefix."""
    pages = store["client"].get_paginator("list_objects_v2").paginate(Bucket=store["bucket"], Prefix="site/")
    return {item["Key"][len("site/"):]: item["ETag"].strip('"') for page in pages for item in page.get("Contents", [])}


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
        "sitemap.xml": ("application/xml", SHORT),
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
    files = {name: deploy.LocalFile(name, tmp_path / name, md5) for name, md5 in
             [("index.html", "1"), ("theme/css/site.0123456789.css", "2"), ("feeds/all.atom.xml", "3"),
              ("about/index.html", "4")]}
    plan = deploy.plan_sync(files, {"index.html": "old", "about/index.html": "4", "gone/index.html": "5"})
    assert [file.name for file in plan.uploads] == ["theme/css/site.0123456789.css", "feeds/all.atom.xml",
                                                   "index.html"]
    assert plan.deletes == ["gone/index.html"]
    assert plan.unchanged == 1


def test_the_first_deploy_uploads_everything_and_a_repeat_uploads_nothing(newsroom, store):
    first = ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    local = site_md5s(newsroom / "output")
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
    assert body == (newsroom / "output" / css).read_bytes()


def test_a_new_story_uploads_only_the_files_it_changed_and_a_removed_story_leaves_the_bucket(newsroom, store):
    ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    before = site_md5s(newsroom / "output")

    shutil.copy(DUMPS / "no_photo.txt", newsroom / "content/raw/no_photo.txt")  # one story, 3 March 2025
    after_new = ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    after = site_md5s(newsroom / "output")
    changed = {name for name, md5 in after.items() if before.get(name) != md5}
    story = "2025/03/03/kenya-and-ethiopia-sign-border-water-deal/index.html"
    assert story in changed
    assert uploaded(after_new) == changed
    assert deleted(after_new) == set(before) - set(after)
    print(f"one new story: {len(changed)} files uploaded, {len(deleted(after_new))} deleted, "
          f"of {len(after)} in the site")
    assert len(changed) <= 60
    assert bucket_etags(store) == after

    post = newsroom / "content/articles/2025-03-03-kenya-and-ethiopia-sign-border-water-deal.md"
    post.unlink()  # an editor takes the story down
    removed = ok(make(newsroom, "deploy", SITEURL=SITEURL, **store["env"]))
    assert story in deleted(removed)
    assert story not in bucket_etags(store)
    assert bucket_etags(store) == site_md5s(newsroom / "output")


def test_a_deploy_killed_halfway_is_finished_by_the_next_one(newsroom, store):
    ok(make(newsroom, "publish", SITEURL=SITEURL))
    output = newsroom / "output"
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
    store["client"].put_object(Bucket=store["bucket"], Key="site/old-page/index.html", Body=b"old")
    dry = ok(make(newsroom, "deploy", SITEURL=SITEURL, DRY_RUN="1", **store["env"]))
    local = site_md5s(newsroom / "output")
    assert named(dry, "would upload ") == set(local)
    assert "would delete old-page/index.html" in dry.stdout
    assert bucket_etags(store) == {"old-page/index.html": hashlib.md5(b"old").hexdigest()}


def test_a_deploy_without_the_sites_address_stops_before_building_or_uploading(newsroom, store):
    done = make(newsroom, "deploy", **store["env"])
    assert done.returncode != 0
    assert "error: deploy: SITEURL is not set" in done.stderr and "Traceback" not in done.stderr
    assert not (newsroom / "output").exists() and bucket_etags(store) == {}


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
