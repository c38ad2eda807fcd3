"""Applies stored notifications after the answer, in the order Intercom made them.

Deletion topics mark rows at once. Change topics are recorded as `queued: fetch` for a targeted
fetch of the whole object (the webhook's copy is partial for some topics and in the app's API
version's shape); the scheduled sync fetches every changed object anyway, so until the targeted
fetch exists nothing is lost, only later. Webhooks can be lost ("retried once after 1 minute";
dropped after long throttling: developers.intercom.com/docs/webhooks/webhook-notifications,
"Handling failures"): polling stays the source of truth.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from intercom_webhooks.events import DELETIONS, MERGED, fetch_kind, merged_into, parse
from intercom_webhooks.store import Store

logger = logging.getLogger("intercom-webhooks")


class Applier:
    """A worker thread woken by each stored event; `drain` applies every pending one."""

    def __init__(self, store: Store, idle_seconds: float = 1.0) -> None:
        self._store = store
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = idle_seconds
        self._thread = threading.Thread(target=self._run, name="webhook-applier", daemon=True)
        self.applied = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

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
        count = 0
        while batch := self._store.pending():
            for row_id, payload in batch:
                self._store.done([row_id], self._apply(payload))
                count += 1
        self.applied += count
        return count

    def _apply(self, payload: dict[str, Any]) -> str:
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
        kind = fetch_kind(event.topic)
        return f"queued: fetch {kind}" if kind else "ignored: topic not applied"
