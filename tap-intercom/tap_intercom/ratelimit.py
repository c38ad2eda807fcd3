"""One request budget per process, shared by every worker thread.

Intercom reports its budget on every response (docs/intercom-api.md#rate-limits):
`X-RateLimit-Remaining` requests are left in the current window, which resets at `X-RateLimit-Reset`
(Unix seconds; windows are 10 s). The budget spends what the server reported, minus requests still
in flight, and waits for the reset once it is used up, so the limit is approached but not hit. A 429
empties the budget until the reset. `max_requests_per_minute` optionally spaces requests evenly
below a user-chosen rate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from tap_intercom.retry import retry_after_seconds

T = TypeVar("T", int, float)

# Used when a 429 carries no reset header: Intercom's windows are 10 seconds long.
_DEFAULT_WINDOW_SECONDS = 10.0
_MIN_THROTTLED_WAIT_SECONDS = 1.0
# Reset times are whole seconds; wait a hair past them.
_RESET_MARGIN_SECONDS = 0.05


@dataclass
class BudgetStats:
    requests: int = 0
    waits: int = 0
    waited_seconds: float = 0.0
    throttled: int = 0  # 429 responses


class RateBudget:
    """Blocks callers until a request fits the server's budget and the optional cap."""

    def __init__(
        self,
        max_requests_per_minute: int | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = 60.0 / max_requests_per_minute if max_requests_per_minute else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._allowance: int | None = None  # unknown until the first response with headers
        self._reset_at = 0.0
        self._in_flight = 0
        self._next_slot = 0.0
        self.stats = BudgetStats()

    def acquire(self) -> None:
        """Wait until one more request may be sent, then count it as in flight."""
        waited = False
        while True:
            with self._lock:
                delay = self._delay_needed(self._clock())
                if delay <= 0:
                    self._take()
                    return
                self.stats.waits += not waited
                self.stats.waited_seconds += min(delay, 1.0)
            waited = True
            self._sleep(min(delay, 1.0))  # re-checked: another thread may have learnt more

    def release(self, headers: Mapping[str, str] | None, *, throttled: bool = False) -> None:
        """Record the outcome of a request sent after `acquire` (headers may be None)."""
        with self._lock:
            self._in_flight -= 1
            remaining, reset_at = _read_headers(headers or {})
            if throttled:
                self.stats.throttled += 1
                self._allowance = 0
                now = self._clock()
                if not reset_at:
                    # No reset header: a Retry-After, else Intercom's window length.
                    retry_after = retry_after_seconds((headers or {}).get("Retry-After"), now)
                    reset_at = now + (retry_after or _DEFAULT_WINDOW_SECONDS)
                # A reset already past by our clock (skew) still earns a short pause.
                self._reset_at = max(reset_at, now + _MIN_THROTTLED_WAIT_SECONDS)
            elif remaining is not None and reset_at is not None:
                self._observe(remaining, reset_at)

    def _observe(self, remaining: int, reset_at: float) -> None:
        # Requests still in flight were sent before the server counted them.
        fresh = max(remaining - self._in_flight, 0)
        if reset_at > self._reset_at:
            self._reset_at, self._allowance = reset_at, fresh
        elif reset_at == self._reset_at and self._allowance is not None:
            self._allowance = min(self._allowance, fresh)

    def _delay_needed(self, now: float) -> float:
        if self._allowance == 0:
            if now < self._reset_at + _RESET_MARGIN_SECONDS:
                return self._reset_at + _RESET_MARGIN_SECONDS - now
            self._allowance = None  # a new window: unknown until the next response
        return self._next_slot - now if self._interval else 0.0

    def _take(self) -> None:
        now = self._clock()
        self._in_flight += 1
        self.stats.requests += 1
        if self._allowance:
            self._allowance -= 1
        if self._interval:
            self._next_slot = max(self._next_slot, now) + self._interval


def _read_headers(headers: Mapping[str, str]) -> tuple[int | None, float | None]:
    return _number(headers, "X-RateLimit-Remaining", int), _number(
        headers, "X-RateLimit-Reset", float
    )


def _number(headers: Mapping[str, str], name: str, kind: Callable[[str], T]) -> T | None:
    try:
        return kind(headers[name])
    except (KeyError, TypeError, ValueError):
        return None
