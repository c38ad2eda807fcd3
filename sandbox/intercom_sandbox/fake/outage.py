"""Scheduled incidents: after the n-th request, every request fails for a while (config.OutageSpec).

Requests are counted as they arrive, whatever their token (an incident is in front of the API, so
it fails unauthenticated requests too); a spec with a `path_prefix` counts only the requests under
it, so a test can place the incident among one stream's requests. Once on, it fails every path.
Time comes from the fake's clock, so a test can play a minutes-long outage on a virtual clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from .config import OutageSpec


@dataclass(frozen=True)
class OutageFailure:
    status: int
    retry_after_seconds: int | None


class OutageSchedule:
    def __init__(self, specs: tuple[OutageSpec, ...], clock: Callable[[], float]) -> None:
        self._specs = specs
        self._clock = clock
        self._started: list[float | None] = [None] * len(specs)
        self._requests = 0
        self._counted = [0] * len(specs)
        self._failed = 0
        self._lock = threading.Lock()

    def failure(self, path: str = "/") -> OutageFailure | None:
        """How this request fails, or None when no outage is on."""
        if not self._specs:
            return None
        with self._lock:
            self._requests += 1
            now = self._clock()
            for number, spec in enumerate(self._specs):
                if path.startswith(spec.path_prefix):
                    self._counted[number] += 1
                started = self._started[number]
                if started is None and self._counted[number] > spec.after_requests:
                    started = self._started[number] = now
                if started is not None and now < started + spec.seconds:
                    status = spec.statuses[self._failed % len(spec.statuses)]
                    self._failed += 1
                    return OutageFailure(status, spec.retry_after_seconds)
        return None
