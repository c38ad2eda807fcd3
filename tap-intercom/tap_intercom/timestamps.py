"""Intercom's Unix timestamps <-> ISO-8601 UTC strings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

# Timestamps are integer seconds (spec: "Unix timestamp in seconds"), but client-supplied values
# are sometimes milliseconds (singer-io/tap-intercom PRs #10 and #12: "{'signed_up_at':
# 1467133937045, 'created_at': 1467133614}"). Microseconds are read the same way, defensively: no
# public report of them was found. The unit is told by the size of the number: seconds below
# 10^11 (year 5138), milliseconds below 10^14, microseconds below 10^17.
_UNITS: tuple[tuple[str, float, int], ...] = (
    ("seconds", 1e11, 1),
    ("milliseconds", 1e14, 1_000),
    ("microseconds", 1e17, 1_000_000),
)
# A plausible instant lies between the epoch and 2200-01-01 (snoozes and renewal dates may lie
# years ahead; nothing in Intercom predates 1970). Outside it, a value is not a date we can trust.
EARLIEST = 0
LATEST = 7_258_118_400


@dataclass(frozen=True)
class Reading:
    """A numeric timestamp read: its seconds and unit, or `seconds=None` when it is implausible."""

    seconds: float | None
    unit: str | None


def read(value: int | float) -> Reading:
    if not math.isfinite(value):
        return Reading(None, None)
    for unit, below, divisor in _UNITS:
        if abs(value) < below:
            seconds = value / divisor
            if EARLIEST <= seconds < LATEST:
                return Reading(float(seconds), unit)
            return Reading(None, None)
    return Reading(None, None)


def to_seconds(value: int | float) -> float:
    """Seconds since the epoch for a cursor value (milliseconds and microseconds converted); an
    implausible value is returned unchanged, for the caller's window checks to reject."""
    seconds = read(value).seconds
    return float(value) if seconds is None else seconds


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()


def to_iso(value: Any) -> Any:
    """An ISO-8601 UTC string for a numeric timestamp, None for an implausible one; None and
    strings unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    seconds = read(value).seconds
    return None if seconds is None else iso(seconds)


def parse_iso(value: str) -> datetime:
    """A timezone-aware datetime (naive input is read as UTC)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def epoch(value: str | datetime) -> int:
    """Whole Unix seconds for an ISO string or a datetime."""
    moment = parse_iso(value) if isinstance(value, str) else value
    return int(moment.timestamp())
