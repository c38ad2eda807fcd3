"""Time in the fake: generated history before a fixed anchor, mutations at the real 'now'."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# 2026-06-01T00:00:00Z. Generated data spans the two years before it, so every generated timestamp
# is in the past whenever the fake runs.
ANCHOR = 1780272000
HISTORY_SECONDS = 2 * 365 * 24 * 3600


class MutationClock:
    """Hands out Unix seconds for mutations: strictly increasing and never in the future.

    When two mutations fall within the same real second, the second one waits for the next second
    rather than stamping a future time.
    """

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def tick(self) -> int:
        with self._lock:
            now = int(time.time())
            while now <= self._last:
                time.sleep(self._last + 1 - time.time() + 0.001)
                now = int(time.time())
            self._last = now
            return now


class VirtualClock:
    """Unix seconds that move only when someone sleeps, for tests of minutes-long waits.

    Share one between the fake (its `clock`, e.g. `clock=vc.time`) and the client under test (its
    clock and sleep): a five-minute outage then passes as fast as the requests are made.
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()
        self.slept = 0.0

    def time(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._now += max(seconds, 0.0)
            self.slept += max(seconds, 0.0)


def day_start(timestamp: int, zone: ZoneInfo) -> int:
    """Start of the calendar day (in the zone) that contains the timestamp."""
    local = datetime.fromtimestamp(timestamp, zone)
    return int(local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())


def next_day_start(timestamp: int, zone: ZoneInfo) -> int:
    """Start of the calendar day after the one containing the timestamp (DST-safe)."""
    local = datetime.fromtimestamp(timestamp, zone).replace(tzinfo=None)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return int(midnight.replace(tzinfo=zone).timestamp())
