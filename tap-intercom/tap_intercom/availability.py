"""Whether Intercom is answering, as every worker of the run sees it: told once, not per request.

A failed request is retried on its own (client.py); when failures keep coming with no success in
between, Intercom is unavailable: one WARNING says since when, what it answers and until when the
tap keeps trying; one INFO says when it answers again. In between, per-request retries are logged
at DEBUG only, and the progress display shows the outage (progress.py).
"""

from __future__ import annotations

import itertools
import logging
import threading
from datetime import datetime, timezone

from tap_intercom.clock import Clock

# Failures in a row, over all requests, before the outage is announced: a lone fault is retried
# and logged as such, an incident is announced once.
ANNOUNCE_AFTER_FAILURES = 3

logger = logging.getLogger("tap-intercom")


class Availability:
    def __init__(self, clock: Clock, retry_seconds: float) -> None:
        self._clock = clock
        self._retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._down_since: float | None = None  # first failure since the last success
        self._failures = 0
        self._announced = False
        # Requests are numbered as they are sent: an answer to a request sent before the first
        # failure of an outage (still in flight when it began) does not say Intercom is back.
        self._numbers = itertools.count(1)
        self._first_failed = 0

    @property
    def announced(self) -> bool:
        return self._announced

    @property
    def down_since(self) -> float | None:
        """When the current run of failures began (None while Intercom answers)."""
        return self._down_since

    def sending(self) -> int:
        """The number of a request about to be sent, for `failed` and `answered`."""
        return next(self._numbers)

    def failed(self, number: int, endpoint: str, error: object) -> None:
        """Request `number` failed and will be retried."""
        with self._lock:
            now = self._clock.time()
            if self._down_since is None:
                self._down_since, self._first_failed = now, number
            self._failures += 1
            if self._announced or self._failures < ANNOUNCE_AFTER_FAILURES:
                return
            self._announced = True
            since, until = self._down_since, self._down_since + self._retry_seconds
        logger.warning(
            "Intercom is unavailable: %s answered %s, failing since %s. The tap keeps retrying "
            "until %s (outage_retry_minutes = %g); what was written before stays valid",
            endpoint,
            error,
            _clock_time(since),
            _clock_time(until),
            self._retry_seconds / 60,
        )

    def answered(self, number: int) -> None:
        """Request `number` succeeded."""
        if self._down_since is None:  # the common case, without taking the lock
            return
        with self._lock:
            if number < self._first_failed:
                return
            down_since, announced = self._down_since, self._announced
            self._down_since, self._failures, self._announced = None, 0, False
        if announced and down_since is not None:
            down_for = self._clock.time() - down_since
            logger.info("Intercom answers again after %.0f s unavailable; continuing", down_for)

    def describe(self) -> str | None:
        """For the progress display: the ongoing outage, or None."""
        with self._lock:
            if not self._announced or self._down_since is None:
                return None
            down_for = self._clock.time() - self._down_since
            until = self._down_since + self._retry_seconds
        return f"Intercom unavailable for {down_for:.0f} s, retrying until {_clock_time(until)}"


def _clock_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%H:%M:%S UTC")
