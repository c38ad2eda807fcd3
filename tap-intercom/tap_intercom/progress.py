"""Progress of a run, on stderr only: a live line on a terminal, a periodic log line otherwise.

While Intercom is unavailable the line says so, with how long the tap keeps retrying, and keeps
being refreshed (the client calls `refresh` while it waits), so a stalled count is explained.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from tap_intercom.availability import Availability
from tap_intercom.concurrency import AdaptiveConcurrency
from tap_intercom.ratelimit import BudgetStats

_LIVE_INTERVAL = 0.5
_LOG_INTERVAL = 30.0

logger = logging.getLogger("tap-intercom")


class Progress:
    def __init__(
        self,
        budget_stats: BudgetStats,
        concurrency: AdaptiveConcurrency | None = None,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        availability: Availability | None = None,
    ) -> None:
        self._stats = budget_stats
        self._concurrency = concurrency
        self._availability = availability
        self._lock = threading.Lock()
        self._out = stream or sys.stderr
        self._live = self._out.isatty()
        self._clock = clock
        self._started = clock()
        self._last_shown = self._started
        self.records = 0
        self.conversations = 0
        self.conversations_total: int | None = None

    def record_emitted(self) -> None:
        self.records += 1
        self._maybe_show()

    def refresh(self) -> None:
        """Show the progress if it is due, whether or not records move (an outage)."""
        self._maybe_show()

    def conversation_done(self) -> None:
        self.conversations += 1

    def finish(self) -> None:
        if self._live:
            self._out.write("\n")
        logger.info("Finished: %s", self.summary())
        if self._concurrency is not None:
            logger.info("Concurrency: %s", self._concurrency.report().describe())

    def summary(self) -> str:
        elapsed = max(self._clock() - self._started, 1e-6)
        total = f"/{self.conversations_total}" if self.conversations_total is not None else ""
        summary = (
            f"conversations {self.conversations}{total}, records {self.records} "
            f"({self.records / elapsed:.0f}/s), requests {self._stats.requests} "
            f"({self._stats.requests / elapsed:.1f}/s), rate-limit waits {self._stats.waits}, "
            f"429s {self._stats.throttled}{self._concurrency_note()}"
        )
        outage = self._availability.describe() if self._availability else None
        return f"{summary}; {outage}" if outage else summary

    def _concurrency_note(self) -> str:
        if self._concurrency is None:
            return ""
        report = self._concurrency.report()
        return f", in flight up to {report.limit} (peak {report.peak})"

    def _maybe_show(self) -> None:
        now = self._clock()
        interval = _LIVE_INTERVAL if self._live else _LOG_INTERVAL
        with self._lock:
            if now - self._last_shown < interval:
                return
            self._last_shown = now
        if self._live:
            self._out.write(f"\r{self.summary()}\x1b[K")
            self._out.flush()
        else:
            logger.info("Progress: %s", self.summary())
