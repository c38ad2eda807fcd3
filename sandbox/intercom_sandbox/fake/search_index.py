"""How far behind the search index is (the `search_delay_seconds` option of the fake).

Intercom's search is eventually consistent: "If a contact has recently been created, there is a
possibility that it will not yet be available when searching ... This delay can take a few
minutes" (spec 2.16 L8732-8734). "A possibility": not every change waits. Here a fixed half of
the objects (chosen by a hash of kind and id) is left out of search results until
`delay_seconds` after its `updated_at`; the other half shows at once. A search can therefore show
a later change while an earlier one is still missing, as a lagging index does. Fetching an object
by its id is never delayed.

The index has a clock of its own (real time plus an offset): tests move it on with `advance`
instead of sleeping through the delay. Timestamps of changes still come from the real clock.
"""

from __future__ import annotations

import threading
import time
import zlib


class SearchIndex:
    def __init__(self, delay_seconds: float = 0.0) -> None:
        if delay_seconds < 0:
            msg = f"search delay must not be negative, got {delay_seconds}"
            raise ValueError(msg)
        self.delay_seconds = delay_seconds
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass for the index (not for the rest of the fake)."""
        with self._lock:
            self._offset += seconds

    @staticmethod
    def lags(kind: str, object_id: str) -> bool:
        """Whether changes of this object reach the index only after the delay."""
        return zlib.crc32(f"{kind}:{object_id}".encode()) % 2 == 1

    def shows(self, kind: str, object_id: str, updated_at: int) -> bool:
        """Whether a search finds the object in its state of `updated_at`."""
        if self.delay_seconds <= 0 or not self.lags(kind, object_id):
            return True
        return self.now() >= updated_at + self.delay_seconds
