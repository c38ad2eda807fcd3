"""Applies stored notifications after the answer, in the order Intercom made them.

Deletion topics mark rows at once. Change topics queue their object for a targeted fetch of the
whole object (fetcher.py; the webhook's copy is partial for some topics and in the app's API
version's shape), unless the stored row is already newer than the change: an event older than
the row never causes a write. Webhooks can be lost ("retried once after 1 minute"; dropped after
long throttling: developers.intercom.com/docs/webhooks/webhook-notifications, "Handling
failures"): polling stays the source of truth.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from intercom_webhooks.events import (
    DELETIONS,
    MERGED,
    changed_at,
    fetch_kind,
    fetch_target,
    merged_into,
    parse,
)
from intercom_webhooks.fetcher import Fetcher
from intercom_webhooks.pipeline import KINDS
from intercom_webhooks.store import Store

logger = logging.getLogger("intercom-webhooks")


class Applier:
    """A worker thread woken by each stored event; `drain` applies every pending one."""

    def __init__(self, store: Store, fetcher: Fetcher, idle_seconds: float = 1.0) -> None:
        self._store = store
        self.fetcher = fetcher
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = idle_seconds
        self._thread = threading.Thread(target=self._run, name="webhook-applier", daemon=True)
        self._draining = threading.Lock()  # one drain at a time: each event applied once
        self.applied = 0

    def start(self) -> None:
        requeued = self._store.requeue_unfinished()
        if requeued:
            logger.info("%d event(s) queued before the last stop are pending again", requeued)
        self.fetcher.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)
        self.fetcher.stop()

    def settle(self, timeout: float = 30.0) -> bool:
        """Apply what is pending and wait for its fetches (tests, the benchmark)."""
        self.drain()
        return self.fetcher.wait_idle(timeout)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._idle)
            self._wake.clear()
            try:
                self.drain()
            except Exception:  # logged, retried at the next wake: the events stay pending
                logger.exception("Applying webhook events failed; they stay pending")

    def drain(self) -> int:
        with self._draining:
            return self._drain()

    def _drain(self) -> int:
        count = 0
        while batch := self._store.pending():
            changes: list[Change] = []
            for row_id, payload in batch:
                outcome = self._apply(row_id, payload, changes)
                if outcome is not None:
                    self._store.done([row_id], outcome)
            # Change events go in a few statements whatever their number: at 100 a second,
            # a query or two per event would hold the fetches back.
            self._queue_fetches(changes)
            count += len(batch)
        self.applied += count
        return count

    def _apply(self, row_id: int, payload: dict[str, Any], changes: list[Change]) -> str | None:
        """What was done, or None for a change event, added to `changes` instead."""
        event = parse(payload)
        if event.object_id is None:
            return "ignored: no object id"
        if event.topic in DELETIONS:
            stream = DELETIONS[event.topic]
            rows = self._store.mark_deleted(stream, event.object_id, event.created_at)
            return f"marked deleted: {rows} row(s)"
        if event.topic == MERGED:
            into = merged_into(payload)
            rows = self._store.mark_deleted("contacts", event.object_id, event.created_at, into)
            return f"marked merged into {into}: {rows} row(s)"
        if fetch_kind(event.topic) is None:
            return "ignored: topic not applied"
        target = fetch_target(payload)
        if target is None:
            return "ignored: no object id in the notification"
        changes.append(Change(row_id, target, changed_at(payload)))
        return None

    def _queue_fetches(self, changes: list[Change]) -> None:
        """Queue each change's object for a fetch, unless its row is newer than the change."""
        queued: dict[str, list[int]] = {}
        for kind, (_, stream, _) in KINDS.items():
            of_kind = [c for c in changes if c.target[0] == kind]
            if not of_kind:
                continue
            stored = self._store.updated_at_of(stream, sorted({c.target[1] for c in of_kind}))
            for change in of_kind:
                row_at = stored.get(change.target[1])
                if change.at is not None and row_at is not None and row_at > change.at:
                    newer = datetime.fromtimestamp(row_at, timezone.utc).isoformat()
                    outcome = f"skipped: the stored row is newer (updated_at {newer})"
                    self._store.done([change.row_id], outcome)
                else:
                    queued.setdefault(kind, []).append(change.row_id)
        for kind, row_ids in queued.items():
            self._store.queue(row_ids, f"queued: fetch {kind}")
        waiting = {row_id for row_ids in queued.values() for row_id in row_ids}
        for change in changes:
            if change.row_id in waiting:
                self.fetcher.add(change.target, change.row_id)


@dataclass(frozen=True)
class Change:
    row_id: int
    target: tuple[str, str]  # (kind, id)
    at: int | None  # when the object changed (events.changed_at)
