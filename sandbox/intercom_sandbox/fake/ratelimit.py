"""Rate limiting in 10-second windows with Intercom's X-RateLimit-* headers.

"we evenly distribute this into 10 second windows"; X-RateLimit-Reset is a UNIX timestamp
(Intercom's rate-limiting docs: docs/intercom-api.md#rate-limits).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 10
# With no limit configured the headers still appear, advertising a limit no client will reach.
UNLIMITED = 1_000_000


@dataclass(frozen=True)
class RateWindow:
    limit: int
    remaining: int
    reset: int
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


class RateLimiter:
    def __init__(
        self, limit_per_window: int | None, clock: Callable[[], float] = time.time
    ) -> None:
        self.limit = limit_per_window if limit_per_window is not None else UNLIMITED
        self._clock = clock
        self._window_start = 0
        self._count = 0
        self._lock = threading.Lock()

    def hit(self) -> RateWindow:
        with self._lock:
            now = int(self._clock())
            start = now - now % WINDOW_SECONDS
            if start != self._window_start:
                self._window_start, self._count = start, 0
            self._count += 1
            allowed = self._count <= self.limit
            remaining = max(0, self.limit - self._count)
            return RateWindow(self.limit, remaining, start + WINDOW_SECONDS, allowed)
