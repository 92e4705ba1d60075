#!/usr/bin/env python3
"""Sync the built site to an S3-compatible object store, uploading only what changed.

    deploy.py OUTPUT [--dry-run] [--all] [--workers N]

Settings and credentials come from the environment, never from the repository:
DEPLOY_URL (s3://bucket/prefix), DEPLOY_ENDPOINT (any store but AWS S3: R2,
B2, MinIO, Google Cloud Storage), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_REGION.

A file is uploaded when the store has no object of that name with the same
MD5 (its ETag: every object here is sent in one request, so the ETag is the
MD5 of its bytes). Timestamps are never compared: a rebuilt page with the
same bytes is not sent again. Files with content-hashed names go first and
pages last, so no page is live before what it loads; objects no longer in
the site are deleted only after every upload succeeded. A deploy killed
halfway leaves new and old pages side by side and the next run finishes it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from urllib.parse import urlparse

# Names that change whenever their bytes do: cached for a year, never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
# Everything else (pages, feeds, the sitemap, search listings): a reader sees a
# new edition within five minutes.
SHORT = "public, max-age=300"
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


class DeployError(Exception):
    """A mistake in the settings or an answer from the store: one line, no traceback."""


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str  # "" or ending in "/"

    def key(self, name: str) -> str:
        return self.prefix + name

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


@dataclass(frozen=True)
class LocalFile:
    name: str  # the path in the site, with forward slashes
    path: Path
    md5: str


@dataclass(frozen=True)
class Plan:
    uploads: list[LocalFile]  # in upload order
    deletes: list[str]  # names in the site
    unchanged: int


def parse_target(url: str) -> Target:
    parsed = urlparse(url or "")
    if parsed.scheme != "s3" or not parsed.netloc:
        raise DeployError(f"DEPLOY_URL must look like s3://bucket/prefix, not {url!r}")
    prefix = parsed.path.strip("/")
    return Target(parsed.netloc, prefix + "/" if prefix else "")


def content_type(name: str) -> str:
    lowered = name.lower()
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


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def local_files(output: Path) -> dict[str, LocalFile]:
    """Every file of the built site by its name in the site; dotfiles (temporaries) left out."""
    found = {}
    for path in sorted(output.rglob("*")):
        name = path.relative_to(output).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in name.split("/")):
            found[name] = LocalFile(name, path, md5_of(path))
    return found


def plan_sync(local: dict[str, LocalFile], remote: dict[str, str], everything: bool = False) -> Plan:
    """What to send and what to delete, given the store's ETags by name."""
    uploads = [file for name, file in local.items() if everything or remote.get(name) != file.md5]
    uploads.sort(key=lambda file: upload_order(file.name))
    deletes = sorted(set(remote) - set(local))
    return Plan(uploads, deletes, len(local) - len(uploads))


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


def remote_etags(client, target: Target) -> dict[str, str]:
    """Name in the site -> MD5 of every object under the prefix (a multipart
    ETag is no MD5: such an object is sent again)."""
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.prefix):
        for item in page.get("Contents", []):
            found[item["Key"][len(target.prefix):]] = item["ETag"].strip('"')
    return found


def upload(client, target: Target, file: LocalFile) -> None:
    with file.path.open("rb") as body:
        client.put_object(Bucket=target.bucket, Key=target.key(file.name), Body=body,
                          ContentType=content_type(file.name), CacheControl=cache_control(file.name))


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


def describe(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict) and response.get("Error"):
        details = response["Error"]
        return f"{details.get('Code', 'error')}: {details.get('Message') or 'no message'}"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def deploy(output: Path, target: Target, client, dry_run: bool = False, everything: bool = False,
           workers: int = 16, say=print) -> int:
    """Sync OUTPUT to the target; 0 when the store now holds exactly the site."""
    local = local_files(output)
    plan = plan_sync(local, remote_etags(client, target), everything)
    if dry_run:
        for file in plan.uploads:
            say(f"would upload {file.name}")
        for name in plan.deletes:
            say(f"would delete {name}")
        say(f"deploy: dry run, {target}: {len(plan.uploads)} to upload, {len(plan.deletes)} to delete, "
            f"{plan.unchanged} unchanged")
        return 0
    failed = []

    def send(file: LocalFile) -> tuple[LocalFile, Exception | None]:
        try:
            upload(client, target, file)
            return file, None
        except Exception as error:  # noqa: BLE001 - reported per file, the rest go on
            return file, error

    with ThreadPoolExecutor(max_workers=workers) as pool:
        # Hashed assets, then the rest, then pages (the plan's order): each group
        # done before the next starts.
        for _, group in groupby(plan.uploads, key=lambda file: upload_order(file.name)[0]):
            for file, error in pool.map(send, list(group)):
                if error is None:
                    say(f"upload {file.name}")
                else:
                    failed.append(file.name)
                    print(f"error: {file.path}: upload failed ({describe(error)})", file=sys.stderr)
    if failed:
        print(f"deploy: {len(failed)} upload(s) failed; nothing deleted, run it again", file=sys.stderr)
        return 1
    delete(client, target, plan.deletes)
    for name in plan.deletes:
        say(f"delete {name}")
    say(f"deploy: {target}: {len(plan.uploads)} uploaded, {len(plan.deletes)} deleted, "
        f"{plan.unchanged} unchanged")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the built site (output/)")
    parser.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    parser.add_argument("--all", action="store_true",
                        help="upload every file, changed or not (after changing the headers)")
    parser.add_argument("--workers", type=int, default=16, help="uploads at once (default 16)")
    args = parser.parse_args(argv)
    try:
        target = parse_target(os.environ.get("DEPLOY_URL", ""))
        if not (args.output / "index.html").is_file():
            raise DeployError(f"{args.output}: no built site here (run `make publish` first)")
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return deploy(args.output, target, s3_client(), args.dry_run, args.all, max(1, args.workers))
        except (BotoCoreError, ClientError) as error:
            raise DeployError(f"{target}: {describe(error)}") from None
    except DeployError as error:
        print(f"error: deploy: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
