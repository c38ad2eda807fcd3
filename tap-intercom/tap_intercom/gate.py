"""The in-flight gate every parallel fetch passes: at most the adaptive limit at once.

One gate per run (runtime.py), shared by every stream and worker, like the rate budget. The
limit comes from AdaptiveConcurrency and may change at any moment; a lowered limit takes effect
as fetches finish (none is interrupted).
"""

from __future__ import annotations

import threading

from tap_intercom.concurrency import AdaptiveConcurrency


class InFlightGate:
    def __init__(self, concurrency: AdaptiveConcurrency) -> None:
        self._concurrency = concurrency
        self._changed = threading.Condition()
        self._in_flight = 0

    @property
    def limit(self) -> int:
        return self._concurrency.limit

    @property
    def maximum(self) -> int:
        return self._concurrency.maximum

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def try_acquire(self) -> bool:
        """Take a slot if the limit allows one more fetch now."""
        with self._changed:
            if self._in_flight >= self._concurrency.limit:
                return False
            self._in_flight += 1
            return True

    def release(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def wait(self, timeout: float) -> None:
        """Until a slot is released, or `timeout` seconds (the limit may also have risen)."""
        with self._changed:
            self._changed.wait(timeout)
