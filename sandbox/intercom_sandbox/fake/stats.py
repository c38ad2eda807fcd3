"""Counters a test or benchmark can read: requests by path, 429s sent, faults injected."""

from __future__ import annotations

import threading
from collections import Counter


class Stats:
    def __init__(self) -> None:
        self.requests_by_path: Counter[str] = Counter()
        self.faults_injected: Counter[str] = Counter()
        self.rate_limited = 0
        self._lock = threading.Lock()

    @property
    def requests(self) -> int:
        return sum(self.requests_by_path.values())

    def count_request(self, path: str) -> None:
        with self._lock:
            self.requests_by_path[path] += 1

    def count_rate_limited(self) -> None:
        with self._lock:
            self.rate_limited += 1

    def count_fault(self, kind: str) -> None:
        with self._lock:
            self.faults_injected[kind] += 1
