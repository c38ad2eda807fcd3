"""Targeted fetches: the objects of change notifications, collected into batches, fetched whole.

A batch closes `window_seconds` after its first object, or at `max_objects`, whichever comes
first; then one tap → target run (pipeline.py) fetches and loads every object of the batch, while
the next batch collects. An object notified several times before its batch runs is fetched once.
All batches draw on one rate budget. When a batch fails (Intercom unreachable past
`outage_retry_minutes`, the database down), its events say `fetch failed: …` and a warning is
logged; the scheduled sync still loads those objects, as it loads every change.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tap_intercom.ratelimit import RateBudget
from tap_intercom.runtime import new_budget
from tap_intercom.settings import parse_settings

from intercom_webhooks.pipeline import KINDS, BatchResult, ObjectRef, run_batch
from intercom_webhooks.store import Store

logger = logging.getLogger("intercom-webhooks")
RunBatch = Callable[[list[ObjectRef]], BatchResult]


@dataclass(frozen=True)
class FetchSettings:
    # A second collects a hundred objects at 100 notifications/s: one run instead of a hundred.
    window_seconds: float = 1.0
    # Bounds a run's length (and the lag of its last object) under a heavy burst.
    max_objects: int = 200


class Fetcher:
    def __init__(self, store: Store, run: RunBatch, settings: FetchSettings) -> None:
        self._store = store
        self._run = run
        self._settings = settings
        self._queue: dict[ObjectRef, list[int]] = {}  # object → its events' row ids
        self._first_at: float | None = None
        self._cond = threading.Condition()
        self._stop = False
        self._busy = False  # a batch is running
        self._thread = threading.Thread(target=self._loop, name="webhook-fetcher", daemon=True)
        self.batches = 0

    @classmethod
    def for_configs(
        cls,
        store: Store,
        tap_config: Mapping[str, Any],
        target_config: Mapping[str, Any],
        settings: FetchSettings,
    ) -> Fetcher:
        budget: RateBudget = new_budget(parse_settings(tap_config))

        def run(refs: list[ObjectRef]) -> BatchResult:
            return run_batch(tap_config, target_config, refs, budget)

        return cls(store, run, settings)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=60)

    def add(self, ref: ObjectRef, event_id: int) -> None:
        with self._cond:
            self._queue.setdefault(ref, []).append(event_id)
            if self._first_at is None:
                self._first_at = time.monotonic()
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued object is fetched (True) or `timeout` seconds pass."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def _loop(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            try:
                self.flush(batch)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _next_batch(self) -> dict[ObjectRef, list[int]] | None:
        """Wait until a batch is due (or stop); take it from the queue."""
        with self._cond:
            while not self._stop:
                if self._queue:
                    assert self._first_at is not None
                    left = self._first_at + self._settings.window_seconds - time.monotonic()
                    if left <= 0 or len(self._queue) >= self._settings.max_objects:
                        break
                    self._cond.wait(left)
                else:
                    self._cond.wait()
            if self._stop:
                return None
            refs = list(self._queue)[: self._settings.max_objects]
            batch = {ref: self._queue.pop(ref) for ref in refs}
            self._first_at = time.monotonic() if self._queue else None
            self._busy = True
            return batch

    def flush(self, batch: dict[ObjectRef, list[int]]) -> None:
        """Run one batch and record each event's outcome."""
        started = time.time()
        try:
            result = self._run(list(batch))
        except Exception as error:  # the events say why; polling loads the objects later
            logger.warning(
                "A targeted fetch of %d object(s) failed (%s); the scheduled sync will load them",
                len(batch),
                error,
            )
            self._store.done(_ids(batch), f"fetch failed: {error}"[:1000])
            return
        self.batches += 1
        logger.info(
            "Fetched %d object(s) in %.2f s, loaded in %.2f s (run %s)",
            len(batch),
            result.fetch_seconds,
            result.load_seconds,
            result.run_id,
        )
        self._revive(result, started)
        written = {ref: ids for ref, ids in batch.items() if ref in result.written}
        gone = {ref: ids for ref, ids in batch.items() if ref not in result.written}
        if written:
            self._store.done(_ids(written), f"fetched: run {result.run_id}")
        if gone:  # 404 or 410 (the tap logged which): its deletion is marked by its own topic
            self._store.done(_ids(gone), "fetched: gone from Intercom, row left as it was")

    def _revive(self, result: BatchResult, at: float) -> None:
        for kind, (_, stream, _) in KINDS.items():
            ids = [object_id for ref_kind, object_id in result.written if ref_kind == kind]
            if ids and self._store.unmark_live(stream, ids, at):
                logger.info("%s fetched live again: deleted_at cleared", stream)


def _ids(batch: dict[ObjectRef, list[int]]) -> list[int]:
    return [event_id for event_ids in batch.values() for event_id in event_ids]
