"""Intercom's Unix timestamps <-> ISO-8601 UTC strings."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

# Timestamps are integer seconds (fact sheet §7), but client-supplied values are sometimes
# milliseconds (singer-io/tap-intercom PRs #10 and #12): 13 digits means milliseconds.
_MILLISECONDS_THRESHOLD = 10**11


def to_seconds(value: int | float) -> float:
    """Seconds since the epoch, reading 13-digit values as milliseconds."""
    return value / 1000 if abs(value) >= _MILLISECONDS_THRESHOLD else float(value)


def to_iso(value: Any) -> Any:
    """An ISO-8601 UTC string for a numeric timestamp; None, strings and 0-less values unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    moment = datetime.fromtimestamp(to_seconds(value), tz=timezone.utc)
    return moment.isoformat()


def parse_iso(value: str) -> datetime:
    """A timezone-aware datetime (naive input is read as UTC)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def epoch(value: str | datetime) -> int:
    """Whole Unix seconds for an ISO string or a datetime."""
    moment = parse_iso(value) if isinstance(value, str) else value
    return int(moment.timestamp())
