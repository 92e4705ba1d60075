"""The build's own date: SOURCE_DATE_EPOCH, never the clock.

Two builds of the same sources must agree byte for byte, so nothing a build
writes may carry the time it ran: a feed without stories is dated by
SOURCE_DATE_EPOCH (else the Unix epoch), as feedgenerator would date it now.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def build_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH as a time, or None when the build fixes no date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else None


def dated_by_its_items(feed):
    """A feedgenerator feed dated by its newest item, or by the build's date when it has none."""
    dated_by_items = feed.latest_post_date
    fixed = build_epoch() or datetime.fromtimestamp(0, UTC)
    feed.latest_post_date = lambda: dated_by_items() if feed.items else fixed
    return feed
