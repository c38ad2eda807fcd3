"""How many requests may be in flight: enough to spend the rate limit at the measured latency.

By Little's law a client that keeps N requests in flight, each taking L seconds, sends N / L
requests a second; to use a rate of R requests a second it needs N = R x L. Intercom states its
limit on every response: `X-RateLimit-Limit` requests per 10-second window (a 1,000/min app sees
167; developers.intercom.com rate-limiting docs, 2.17 page). So the target is
`R x L x headroom`, with R from that header (or `max_requests_per_minute`, when lower) and L the
smoothed latency of answered requests; the shared RateBudget still decides when each request may
go, so extra concurrency only waits there.

The limit moves toward the target with every answered request: up by a quarter of the gap (a
cold start gets there within a round trip or two) while the window has room and latency holds,
down by one when above it. It is cut: halved on a 429 (once per round trip, then no raise for a
rate window), by a quarter on a 5xx, timeout or connection error, and lowered while latency is
rising (a short-term average well above the long-term one). `maximum` (the `max_workers`
setting) bounds it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

logger = logging.getLogger("tap-intercom")

WINDOW_SECONDS = 10.0  # X-RateLimit-Limit counts a 10-second window (rate-limiting docs)
INITIAL_LIMIT = 4
HEADROOM = 1.25  # latency varies from request to request; the budget absorbs the excess
_FAST_ALPHA = 0.3  # short-term latency average
_SLOW_ALPHA = 0.05  # long-term latency average: the one the target uses
_RISING_FACTOR = 1.5  # short-term above 1.5x long-term (and by 50 ms or more): latency is rising
_RISING_MARGIN_SECONDS = 0.05
_RAISE_FRACTION = 4  # each answer closes a quarter of the gap to the target (at least 1)
_ERROR_CUT = 0.75
_ERROR_HOLD_SECONDS = 5.0
REPORT_INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class ConcurrencyReport:
    """What the controller chose and why, for the log and the run's summary."""

    limit: int
    target: int | None
    peak: int
    maximum: int
    latency_ms: float | None
    rate_per_second: float | None
    cuts_429: int
    cuts_error: int

    def describe(self) -> str:
        if self.target is None or self.latency_ms is None or self.rate_per_second is None:
            why = "no rate limit or latency measured yet"
        else:
            why = (
                f"target {self.target} = {self.rate_per_second:.1f} requests/s x "
                f"{self.latency_ms:.0f} ms x {HEADROOM}"
            )
        return (
            f"{self.limit} requests in flight allowed ({why}; peak {self.peak}, "
            f"max_workers {self.maximum}; cut {self.cuts_429}x on 429s, "
            f"{self.cuts_error}x on errors)"
        )


class _Latency:
    """Short- and long-term exponential averages of answered requests' latency (seconds)."""

    def __init__(self) -> None:
        self.fast: float | None = None
        self.slow: float | None = None

    def add(self, seconds: float) -> None:
        if self.fast is None or self.slow is None:
            self.fast = self.slow = seconds
            return
        self.fast += _FAST_ALPHA * (seconds - self.fast)
        self.slow += _SLOW_ALPHA * (seconds - self.slow)

    @property
    def rising(self) -> bool:
        if self.fast is None or self.slow is None:
            return False
        return (
            self.fast > self.slow * _RISING_FACTOR
            and self.fast - self.slow > _RISING_MARGIN_SECONDS
        )


class AdaptiveConcurrency:
    """Thread-safe: every worker reports its responses; readers see `limit`."""

    def __init__(
        self,
        maximum: int,
        max_requests_per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self.maximum = maximum
        self._cap_rate = max_requests_per_minute / 60 if max_requests_per_minute else None
        self._clock = clock
        self._report = report or (lambda text: logger.info("Concurrency: %s", text))
        self._lock = threading.Lock()
        self._limit = min(INITIAL_LIMIT, maximum)
        self._peak = self._limit
        self._latency = _Latency()
        self._rate: float | None = self._cap_rate
        self._no_raise_until = 0.0
        self._no_cut_until = 0.0
        self._cuts_429 = 0
        self._cuts_error = 0
        self._next_report = clock() + REPORT_INTERVAL_SECONDS

    @property
    def limit(self) -> int:
        return self._limit

    def observe(
        self, latency: float, status: int | None, headers: Mapping[str, str] | None
    ) -> None:
        """One request's outcome: seconds it took, HTTP status (None: no response), headers."""
        with self._lock:
            now = self._clock()
            self._read_rate(headers or {})
            if status == 429:
                self._cuts_429 += self._cut(now, 0.5, hold=WINDOW_SECONDS)
            elif status is None or status >= 500:
                self._cuts_error += self._cut(now, _ERROR_CUT, hold=_ERROR_HOLD_SECONDS)
            else:
                self._latency.add(latency)
                self._follow_target(now, _window_spent(headers or {}))
            self._peak = max(self._peak, self._limit)
            text = self._due_report(now)
        if text:
            self._report(text)

    def report(self) -> ConcurrencyReport:
        with self._lock:
            return self._snapshot()

    def _read_rate(self, headers: Mapping[str, str]) -> None:
        try:
            per_window = int(headers["X-RateLimit-Limit"])
        except (KeyError, TypeError, ValueError):
            return
        if per_window > 0:
            rate = per_window / WINDOW_SECONDS
            self._rate = min(rate, self._cap_rate) if self._cap_rate else rate

    def _target(self) -> int | None:
        if self._rate is None or self._latency.slow is None:
            return None
        return math.ceil(self._rate * self._latency.slow * HEADROOM) + 1

    def _follow_target(self, now: float, window_spent: bool) -> None:
        target = self._target()
        goal = self.maximum if target is None else min(target, self.maximum)
        if self._latency.rising or self._limit > goal:
            self._limit = max(1, self._limit - 1)
        elif self._limit < goal and now >= self._no_raise_until and not window_spent:
            self._limit += max(1, (goal - self._limit) // _RAISE_FRACTION)

    def _cut(self, now: float, factor: float, hold: float) -> bool:
        """Cut at most once per round trip: the answers to one burst arrive together."""
        self._no_raise_until = max(self._no_raise_until, now + hold)
        if now < self._no_cut_until:
            return False
        self._limit = max(1, math.floor(self._limit * factor))
        self._no_cut_until = now + (self._latency.slow or 0.0)
        return True

    def _due_report(self, now: float) -> str | None:
        if now < self._next_report:
            return None
        self._next_report = now + REPORT_INTERVAL_SECONDS
        return self._snapshot().describe()

    def _snapshot(self) -> ConcurrencyReport:
        slow = self._latency.slow
        return ConcurrencyReport(
            limit=self._limit,
            target=self._target(),
            peak=self._peak,
            maximum=self.maximum,
            latency_ms=None if slow is None else slow * 1000,
            rate_per_second=self._rate,
            cuts_429=self._cuts_429,
            cuts_error=self._cuts_error,
        )


def _window_spent(headers: Mapping[str, str]) -> bool:
    """The server says this window has nothing left: more requests in flight cannot help."""
    return headers.get("X-RateLimit-Remaining") == "0"
