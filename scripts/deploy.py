#!/usr/bin/env python3
"""Sync the built site to an S3-compatible object store, uploading only what changed.

    deploy.py OUTPUT [--dry-run] [--all] [--workers N] [--record MODEL] [--verify]
                     [--allow-deletions] [--max-delete-share PERCENT] [--grace SECONDS]

Settings and credentials come from the environment, never from the repository:
DEPLOY_URL (s3://bucket/prefix), DEPLOY_ENDPOINT (any store but AWS S3: R2,
B2, MinIO, Google Cloud Storage), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_REGION.

A file's identity is the SHA-256 of its bytes, stored on its object as
metadata (x-amz-meta-newsroom-sha256) with the prefix it was deployed under
(x-amz-meta-newsroom-prefix), never the ETag: under SSE-KMS an ETag is no MD5.
Listings carry no metadata, so each deploy ends by writing a manifest
(PREFIX.newsroom-deploy.json): name -> hash, size and the ETag the store gave.
The next deploy trusts an entry only while the listing shows that same ETag and
size, and asks the store (HEAD) only about the objects the manifest does not
vouch for. An object without our metadata is sent again, once.

With --record MODEL (`make deploy` gives the build model, cache/build.db),
this checkout keeps its own record of its last deploy to the target, in
the model's rows for that store and prefix, written in one transaction: each file's hash by its
size, time and inode (an unchanged file is not read again) and the ETag of
the manifest it wrote. While the store's manifest still has that ETag, no
one has deployed there since, and the manifest is taken as the store: no
listing, no question per object, only the files whose hash differs from
what was sent go. The record stops vouching before anything is sent, and
vouches again once the new manifest is written. Every deploy that changes
the store, with a record or without, first rewrites the manifest marked
"underway_since": no record matches it any more, so after a deploy cut
short anywhere the next one lists the store. An object changed in the bucket by hand is seen
by the next deploy with --verify (`make deploy VERIFY=1`), which lists the
store as if there were no record.

Everything is planned before anything is sent. A deploy that would delete more
than a set share of this site's pages and feeds (10%; photos, hashed assets and
search files, kept for the grace period, are not counted), or any object while
the site has under 10 stories, stops with the figures unless the editor confirms
(--allow-deletions). Only objects carrying our metadata for this prefix are
ever deleted: whatever else lives in the bucket stays. Hashed assets and search
files the site no longer names are kept for a grace period (at least the pages'
cache life), their first unnamed time kept in the manifest, and deleted by the
first deploy after it. Files with content-hashed names go first and pages last,
so no page is live before what it loads; deletions come after every upload
succeeded, the manifest last. A deploy killed halfway leaves new and old pages
side by side and the next run finishes it.

On a terminal, bars count the files hashed and the bytes uploaded
(ingest/progress.py); in CI and in a log, the lines are as they always were.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from urllib.parse import urlparse

import buildmodel
from buildmodel import sha256_of
from ingest.progress import above, progress, progress_bar

# Names that change whenever their bytes do: cached for a year, never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
# Everything else (pages, feeds, the sitemap, search listings): a reader sees a
# new edition within five minutes.
PAGE_MAX_AGE = 300
SHORT = f"public, max-age={PAGE_MAX_AGE}"
HASHED_NAMES = (
    re.compile(r"theme/.+\.[0-9a-f]{10}\.[a-z]+"),  # CSS and JS fingerprinted by the theme
    re.compile(r"images/.+-[0-9a-f]{8,}-\d+\.[a-z]+"),  # photos named by the converter
    re.compile(r"pagefind/.+\.pf_[a-z]+"),  # the search bundles' index, fragments, filters, metadata
)
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".atom.xml": "application/atom+xml",
    ".rss.xml": "application/rss+xml",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}
BINARY = "application/octet-stream"  # Pagefind's own files (.pf_*, .pagefind) are gzip it reads itself
DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes

# Our marks on every object we send (x-amz-meta-...): the bytes' hash, and whose object it is.
HASH_FIELD = "newsroom-sha256"
OWNER_FIELD = "newsroom-prefix"
MANIFEST = ".newsroom-deploy.json"  # under the prefix; a dotfile, so never a file of the site
MANIFEST_FORMAT = 1
RECORD_FORMAT = 2  # 2: in the build model
DEPLOY, SENT = "deploy", "deploy-sent"  # the model's rows: the manifest's ETag; each file's hash as sent
# A cached page names its CSS, photos and search files for up to PAGE_MAX_AGE, at
# the CDN and then again in the browser: an hour covers both with room to spare.
GRACE_SECONDS = 3600
MAX_DELETE_SHARE = 10.0  # percent of this site's objects one deploy may delete unconfirmed
FEW_STORIES = 10  # a site smaller than this was likely built from the wrong content: no deletion unconfirmed
STORY_PAGE = re.compile(r"\d{4}/\d{2}/\d{2}/[^/]+/index\.html")  # ARTICLE_SAVE_AS in pelican.conf.py


class DeployError(Exception):
    """A mistake in the settings or an answer from the store: one line, no traceback."""


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str  # "" or ending in "/"

    def key(self, name: str) -> str:
        return self.prefix + name

    @property
    def owner(self) -> str:
        """The mark saying an object was sent by a deploy to this prefix (never empty)."""
        return "/" + self.prefix

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


@dataclass(frozen=True)
class LocalFile:
    name: str  # the path in the site, with forward slashes
    path: Path
    sha256: str
    size: int = 0


@dataclass(frozen=True)
class Listed:
    """An object as a listing shows it: no metadata."""
    etag: str
    size: int


@dataclass(frozen=True)
class Known:
    """What a manifest entry or a HEAD said about an object; sha256 None: not ours."""
    sha256: str | None
    etag: str
    size: int


@dataclass
class Manifest:
    files: dict[str, Known] = field(default_factory=dict)  # ours and foreign, by name in the site
    unnamed_since: dict[str, float] = field(default_factory=dict)  # kept assets: first deploy without them


@dataclass
class Record:
    """This checkout's own record of its last deploy to one target (--record)."""

    model: Path
    scope: str  # the store and prefix
    hashes: dict[str, list] = field(default_factory=dict)  # name -> [size, mtime_ns, inode, sha256]
    manifest_etag: str | None = None  # the store's manifest as this checkout last wrote it
    stored: dict[str, list] | None = None  # the hashes as the model holds them (None: not known, all replaced)


@dataclass(frozen=True)
class Plan:
    uploads: list[LocalFile]  # in upload order
    deletes: list[str]  # gone from the site: deleted now, and counted against the share
    expired: list[str]  # kept assets past their grace period: deleted now
    kept: dict[str, float]  # kept assets within their grace period -> first unnamed time
    unchanged: int
    foreign: int = 0  # objects under the prefix this site never sent: left alone
    owned: int = 0  # objects of this site in the store before the deploy, photos, hashed assets and search files aside


def parse_target(url: str) -> Target:
    parsed = urlparse(url or "")
    if parsed.scheme != "s3" or not parsed.netloc:
        raise DeployError(f"DEPLOY_URL must look like s3://bucket/prefix, not {url!r}")
    prefix = parsed.path.strip("/")
    return Target(parsed.netloc, prefix + "/" if prefix else "")


def content_type(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith("feeds/") and lowered.endswith(".json"):
        return "application/feed+json"  # JSON Feed's own type: readers tell it from other JSON by it
    for suffix, kind in CONTENT_TYPES.items():
        if lowered.endswith(suffix):
            return kind
    return BINARY


def cache_control(name: str) -> str:
    return IMMUTABLE if any(pattern.fullmatch(name) for pattern in HASHED_NAMES) else SHORT


def upload_order(name: str) -> tuple[int, str]:
    """Hashed assets first, then the rest, HTML last: a page goes live after what it loads."""
    if cache_control(name) == IMMUTABLE:
        return 0, name
    return (2 if name.endswith(".html") else 1), name


def kept_after_removal(name: str) -> bool:
    """Files a page still in a cache may load: hashed assets and every search file."""
    return cache_control(name) == IMMUTABLE or name.startswith("pagefind/")


def local_files(output: Path, hashes: dict[str, list] | None = None) -> dict[str, LocalFile]:
    """Every file of the built site by its name in the site; dotfiles (temporaries) left out.
    `hashes` (a record's, updated here) spares reading a file whose size, time and inode are as recorded."""
    hashes = {} if hashes is None else hashes
    stats = {}
    for folder, dirs, files in os.walk(output):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for file in files:
            if not file.startswith("."):
                path = Path(folder, file)
                stats[path.relative_to(output).as_posix()] = path.stat()
    found, unread = {}, []
    for name, stat in sorted(stats.items()):
        seen = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        if hashes.get(name, [])[:3] == seen:
            found[name] = LocalFile(name, output / name, hashes[name][3], stat.st_size)
        else:
            unread.append((name, seen))
    for name, seen in progress(unread, len(unread), "hashing"):
        found[name] = LocalFile(name, output / name, sha256_of(output / name), seen[0])
        hashes[name] = [*seen, found[name].sha256]
    for name in set(hashes) - set(stats):
        del hashes[name]
    return found


def count_stories(local: dict[str, LocalFile]) -> int:
    """Stories in the built site, counted by their pages' addresses (a translation's
    page, one folder deeper, is not one)."""
    return sum(1 for name in local if STORY_PAGE.fullmatch(name))


def vouched(listed: Listed, known: Known | None) -> bool:
    """A manifest entry still describes the object: same ETag and size as the listing shows."""
    return known is not None and known.etag == listed.etag and known.size == listed.size


def plan_sync(local: dict[str, LocalFile], remote: dict[str, Known], unnamed_since: dict[str, float] | None = None,
              now: float = 0.0, grace: float = GRACE_SECONDS, everything: bool = False) -> Plan:
    """What to send, delete and keep, given what is known of every object under the prefix.

    An object whose sha256 is None was not sent by this site: it is replaced when the
    site has a file of that name, and otherwise never touched."""
    unnamed_since = unnamed_since or {}
    uploads = [file for name, file in local.items()
               if everything or name not in remote or remote[name].sha256 != file.sha256]
    uploads.sort(key=lambda file: upload_order(file.name))
    ours = sorted(name for name, known in remote.items() if known.sha256 is not None)
    gone = [name for name in ours if name not in local]
    deletes = [name for name in gone if not kept_after_removal(name)]
    kept, expired = {}, []
    for name in gone:
        if kept_after_removal(name):
            since = unnamed_since.get(name, now)
            if now - since >= grace:
                expired.append(name)
            else:
                kept[name] = since
    foreign = sum(1 for name, known in remote.items() if known.sha256 is None and name not in local)
    # The share is counted over what a deletion would take from readers: pages, feeds,
    # listings. Photos, hashed assets and search files outlive them for the grace period,
    # and would only dilute it (a story removed is a page, a photo, many search files).
    counted = sum(1 for name in ours if not kept_after_removal(name))
    return Plan(uploads, deletes, expired, kept, len(local) - len(uploads), foreign, counted)


def deletion_check(plan: Plan, stories: int, max_share: float = MAX_DELETE_SHARE) -> str | None:
    """Why this deploy must not run unconfirmed, in one line with the figures, or None."""
    count, total = len(plan.deletes), plan.owned
    if not count:
        return None
    share = 100.0 * count / total if total else 100.0
    figures = f"would delete {count} of its {total} pages and feeds ({share:.1f}%)"
    if stories < FEW_STORIES:
        return f"{figures} while the site has {stories} stories (under {FEW_STORIES})"
    if share > max_share:
        return f"{figures}, more than {max_share:g}%"
    return None


def s3_client():
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=32,
        # Checksums only where S3 requires them: R2, B2, GCS and older MinIO
        # reject the CRC headers newer boto3 adds to every upload.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return boto3.client("s3", endpoint_url=os.environ.get("DEPLOY_ENDPOINT") or None,
                        region_name=region, config=config)


def remote_listing(client, target: Target) -> dict[str, Listed]:
    """Name in the site -> ETag and size of every object under the prefix, the manifest left out."""
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.prefix):
        for item in page.get("Contents", []):
            found[item["Key"][len(target.prefix):]] = Listed(item["ETag"].strip('"'), item["Size"])
    found.pop(MANIFEST, None)
    return found


def parse_manifest(text: bytes) -> Manifest:
    """The last deploy's record, checked field by field: what does not parse is not trusted."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise ValueError("not a manifest this version wrote")
    manifest = Manifest()
    for name, entry in (data.get("files") or {}).items():
        if isinstance(entry, dict) and isinstance(entry.get("etag"), str) and isinstance(entry.get("size"), int):
            digest = entry.get("sha256")
            manifest.files[name] = Known(digest if isinstance(digest, str) else None, entry["etag"], entry["size"])
    for name, since in (data.get("unnamed_since") or {}).items():
        if isinstance(since, int | float) and name in manifest.files:
            manifest.unnamed_since[name] = float(since)
    return manifest


def read_manifest(client, target: Target, warn) -> tuple[Manifest, str | None]:
    """The store's manifest and its ETag (None: there is none, or none usable)."""
    from botocore.exceptions import ClientError

    try:
        answer = client.get_object(Bucket=target.bucket, Key=target.key(MANIFEST))
        body = answer["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return Manifest(), None
        raise
    try:
        return parse_manifest(body), answer.get("ETag")
    except (ValueError, UnicodeDecodeError) as error:
        warn(f"warning: deploy: {target}{MANIFEST} is unusable ({error}); asking the store about each object")
        return Manifest(), None


def record_scope(target: Target, endpoint: str) -> str:
    """One record per store and prefix deployed to."""
    return hashlib.sha256(f"{endpoint}\n{target}".encode()).hexdigest()[:16]


def read_record(model: Path, scope: str) -> Record:
    """The record, or an empty one (nothing vouched for) when there is none."""
    record = Record(model, scope)
    header = buildmodel.read(model, DEPLOY, scope).get("deploy")
    if not isinstance(header, dict) or header.get("format") != RECORD_FORMAT:
        return record
    record.stored = buildmodel.read(model, SENT, scope)
    record.hashes = {name: entry for name, entry in record.stored.items()
                     if isinstance(entry, list) and len(entry) == 4}
    etag = header.get("manifest_etag")
    record.manifest_etag = etag if isinstance(etag, str) else None
    return record


def save_record(record: Record) -> None:
    """In one transaction, only the hashes that changed."""
    header = {"deploy": {"format": RECORD_FORMAT, "manifest_etag": record.manifest_etag}}
    buildmodel.write(record.model, (DEPLOY, record.scope, header, None),
                     (SENT, record.scope, record.hashes, record.stored))
    record.stored = {name: list(entry) for name, entry in record.hashes.items()}


def head_known(client, target: Target, name: str) -> Known | None:
    """What the object's own metadata says; None when it went away since the listing."""
    from botocore.exceptions import ClientError

    try:
        answer = client.head_object(Bucket=target.bucket, Key=target.key(name))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    metadata = answer.get("Metadata", {})
    ours = metadata.get(OWNER_FIELD) == target.owner and metadata.get(HASH_FIELD)
    return Known(metadata[HASH_FIELD] if ours else None, answer["ETag"].strip('"'), answer["ContentLength"])


def what_is_known(client, target: Target, listing: dict[str, Listed], manifest: Manifest, pool) -> dict[str, Known]:
    """Every listed object's hash and owner: from the manifest where it still holds, else one HEAD each."""
    known = {name: manifest.files[name] for name, listed in listing.items()
             if vouched(listed, manifest.files.get(name))}
    asked = [name for name in listing if name not in known]
    answers = pool.map(lambda name: head_known(client, target, name), asked)
    known.update((name, answer) for name, answer in zip(asked, answers, strict=True) if answer is not None)
    return known


def upload(client, target: Target, file: LocalFile) -> str:
    """Send one file with its headers and our marks; the ETag the store gave it."""
    with file.path.open("rb") as body:
        answer = client.put_object(Bucket=target.bucket, Key=target.key(file.name), Body=body,
                                   ContentType=content_type(file.name), CacheControl=cache_control(file.name),
                                   Metadata={HASH_FIELD: file.sha256, OWNER_FIELD: target.owner})
    return answer["ETag"].strip('"')


def delete(client, target: Target, names: list[str]) -> None:
    from botocore.exceptions import ClientError

    for start in range(0, len(names), DELETE_BATCH):
        batch = names[start:start + DELETE_BATCH]
        try:
            answer = client.delete_objects(Bucket=target.bucket, Delete={
                "Objects": [{"Key": target.key(name)} for name in batch], "Quiet": True})
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("NotImplemented", "MalformedXML"):
                raise
            for name in batch:  # Google Cloud Storage has no batch delete in its S3 API
                client.delete_object(Bucket=target.bucket, Key=target.key(name))
            continue
        if answer.get("Errors"):
            first = answer["Errors"][0]
            raise DeployError(f"could not delete {first.get('Key')}: {first.get('Message')}")


def next_manifest(known: dict[str, Known], local: dict[str, LocalFile], sent: dict[str, str],
                  plan: Plan) -> Manifest:
    """The store after this deploy: every file sent or unchanged, the kept assets, and the
    foreign objects (remembered so they are not asked about again)."""
    deleted = set(plan.deletes) | set(plan.expired)
    files = {name: entry for name, entry in known.items() if name not in deleted}
    for name, etag in sent.items():
        files[name] = Known(local[name].sha256, etag, local[name].size)
    return Manifest(dict(sorted(files.items())), dict(plan.kept))


def manifest_bytes(manifest: Manifest, underway: float | None = None) -> bytes:
    files = {name: {"sha256": entry.sha256, "etag": entry.etag, "size": entry.size}
             for name, entry in manifest.files.items()}
    fields = {"format": MANIFEST_FORMAT, "files": files, "unnamed_since": manifest.unnamed_since}
    if underway is not None:
        fields["underway_since"] = underway
    return json.dumps(fields, indent=0, sort_keys=True).encode()


def write_manifest(client, target: Target, manifest: Manifest, underway: float | None = None) -> str | None:
    """Write the manifest; its ETag, as the store gave it. `underway`: the time a deploy
    started changing the store, written before it does, so that no record (any
    checkout's) vouches for a store changed by a deploy that then never finished."""
    answer = client.put_object(Bucket=target.bucket, Key=target.key(MANIFEST),
                               Body=manifest_bytes(manifest, underway),
                               ContentType="application/json", CacheControl="no-store")
    return answer.get("ETag")


def describe(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict) and response.get("Error"):
        details = response["Error"]
        return f"{details.get('Code', 'error')}: {details.get('Message') or 'no message'}"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def report_plan(plan: Plan, target: Target, say) -> None:
    for file in plan.uploads:
        say(f"would upload {file.name}")
    for name in plan.deletes + plan.expired:
        say(f"would delete {name}")
    for name in plan.kept:
        say(f"would keep {name}")
    say(f"deploy: dry run, {target}: {len(plan.uploads)} to upload, {len(plan.deletes) + len(plan.expired)} "
        f"to delete, {len(plan.kept)} kept for the grace period, {plan.unchanged} unchanged, "
        f"{plan.foreign} not ours left alone")


def deploy(output: Path, target: Target, client, dry_run: bool = False, everything: bool = False,
           workers: int = 16, say=print, allow_deletions: bool = False, max_share: float = MAX_DELETE_SHARE,
           grace: float = GRACE_SECONDS, clock: Callable[[], float] = time.time, record: Record | None = None,
           verify: bool = False) -> int:
    """Sync OUTPUT to the target; 0 when the store now holds the site (and kept assets, and
    whatever else was there). Nothing is sent or deleted before the whole plan is checked.
    With a record, and not `verify`, a store no one deployed to since is not listed."""
    as_recorded = (dict(record.hashes), record.manifest_etag) if record else None
    local = local_files(output, record.hashes if record else None)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        manifest, manifest_etag = read_manifest(client, target, lambda line: print(line, file=sys.stderr))
        if record and not verify and manifest_etag and manifest_etag == record.manifest_etag:
            known = dict(manifest.files)  # the store as this checkout left it
        else:
            known = what_is_known(client, target, remote_listing(client, target), manifest, pool)
        plan = plan_sync(local, known, manifest.unnamed_since, clock(), grace, everything)
        refusal = None if allow_deletions else deletion_check(plan, count_stories(local), max_share)
        if dry_run:
            report_plan(plan, target, say)
        if refusal:
            raise DeployError(f"{target}: {refusal}; nothing uploaded or deleted. Check {output}/, or confirm "
                              f"with `make deploy CONFIRM_DELETIONS=1` (deploy.py --allow-deletions)")
        if dry_run:
            return 0
        if plan.uploads or plan.deletes or plan.expired:  # the store is about to change
            if record:
                record.manifest_etag = None  # vouched for again once the new manifest is written
                save_record(record)
            if manifest_etag:  # every checkout's record stops vouching, with or without a record here
                write_manifest(client, target, manifest, underway=clock())
                manifest_etag = None  # the store's manifest is no longer the one read
        sent, failed = {}, []

        def send(file: LocalFile) -> tuple[LocalFile, str | None, Exception | None]:
            try:
                return file, upload(client, target, file), None
            except Exception as error:  # noqa: BLE001 - reported per file, the rest go on
                return file, None, error

        # A bar in bytes, for files of every size; the files counted beside it.
        sending = progress_bar(len(plan.uploads), "uploading", total=sum(file.size for file in plan.uploads),
                               unit="B", unit_scale=True, unit_divisor=1024)
        tell, warn = above(sending, say), above(sending, lambda line: print(line, file=sys.stderr))
        # Hashed assets, then the rest, then pages (the plan's order): each group
        # done before the next starts.
        for _, group in groupby(plan.uploads, key=lambda file: upload_order(file.name)[0]):
            for file, etag, error in pool.map(send, list(group)):
                if sending is not None:
                    sending.set_postfix_str(f"{len(sent) + len(failed) + 1}/{len(plan.uploads)} files", refresh=False)
                    sending.update(file.size)
                if error is None:
                    sent[file.name] = etag
                    tell(f"upload {file.name}")
                else:
                    failed.append(file.name)
                    warn(f"error: {file.path}: upload failed ({describe(error)})")
        if sending is not None:
            sending.close()
    if failed:
        print(f"deploy: {len(failed)} upload(s) failed; nothing deleted, run it again", file=sys.stderr)
        return 1
    delete(client, target, plan.deletes + plan.expired)
    for name in plan.deletes + plan.expired:
        say(f"delete {name}")
    after = next_manifest(known, local, sent, plan)
    if after != manifest or manifest_etag is None:  # a deploy that changed nothing writes nothing
        manifest_etag = write_manifest(client, target, after)
    if record:
        record.manifest_etag = manifest_etag
        if (record.hashes, record.manifest_etag) != as_recorded:
            save_record(record)
    say(f"deploy: {target}: {len(plan.uploads)} uploaded, {len(plan.deletes) + len(plan.expired)} deleted, "
        f"{len(plan.kept)} kept for the grace period, {plan.unchanged} unchanged, {plan.foreign} not ours left alone")
    return 0


def share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not a percentage between 0 and 100")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the built site (output/)")
    parser.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    parser.add_argument("--all", action="store_true",
                        help="upload every file, changed or not (after changing the headers)")
    parser.add_argument("--workers", type=int, default=16, help="uploads at once (default 16)")
    parser.add_argument("--record", type=Path, metavar="MODEL",
                        help="keep this checkout's record of its deploys in this build model "
                             "(make deploy: cache/build.db)")
    parser.add_argument("--verify", action="store_true",
                        help="list the store and check every object, whatever the record says (make deploy VERIFY=1)")
    parser.add_argument("--allow-deletions", action="store_true",
                        help="delete what the site no longer has, however much (make deploy CONFIRM_DELETIONS=1)")
    parser.add_argument("--max-delete-share", type=share, default=MAX_DELETE_SHARE, metavar="PERCENT",
                        help=f"stop before deleting more than this share of the site's objects "
                             f"(default {MAX_DELETE_SHARE:g}; any deletion stops under {FEW_STORIES} stories)")
    parser.add_argument("--grace", type=float, default=GRACE_SECONDS, metavar="SECONDS",
                        help=f"keep hashed assets and search files the site no longer names this long "
                             f"(default {GRACE_SECONDS}, at least {PAGE_MAX_AGE}: the pages' cache life)")
    args = parser.parse_args(argv)
    try:
        target = parse_target(os.environ.get("DEPLOY_URL", ""))
        if not (args.output / "index.html").is_file():
            raise DeployError(f"{args.output}: no built site here (run `make publish` first)")
        if args.grace < PAGE_MAX_AGE:
            raise DeployError(f"--grace {args.grace:g} is shorter than the pages' cache life ({PAGE_MAX_AGE} s)")
        from botocore.exceptions import BotoCoreError, ClientError

        record = None
        if args.record:
            record = read_record(args.record, record_scope(target, os.environ.get("DEPLOY_ENDPOINT", "")))
        try:
            return deploy(args.output, target, s3_client(), args.dry_run, args.all, max(1, args.workers),
                          allow_deletions=args.allow_deletions, max_share=args.max_delete_share, grace=args.grace,
                          record=record, verify=args.verify)
        except (BotoCoreError, ClientError) as error:
            raise DeployError(f"{target}: {describe(error)}") from None
    except DeployError as error:
        print(f"error: deploy: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
