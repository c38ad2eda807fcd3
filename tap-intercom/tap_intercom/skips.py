"""Streams set aside this run: each named once in a warning and in every later STATE.

A stream whose sync raises StreamUnavailableError (a missing permission, a companies scroll that
cannot be read) stops there; its selected child streams stop with it. With
`on_stream_unavailable: fail` the error ends the run instead. The sync marker's `skipped_streams`
(docs/architecture.md) tells the target, which records the run as `partial`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from tap_intercom.errors import StreamUnavailableError

logger = logging.getLogger("tap-intercom")

SKIP, FAIL = "skip", "fail"
ON_STREAM_UNAVAILABLE = (SKIP, FAIL)


class SkippedStreams:
    """stream name → "<reason>. <hint>."; safe to share between threads."""

    def __init__(self) -> None:
        self._reasons: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, error: StreamUnavailableError, children: Sequence[str] = ()) -> None:
        """Record the skip and log it once: the stream, the reason and what to do."""
        with self._lock:
            if error.stream in self._reasons:
                return
            self._reasons[error.stream] = error.summary
            for child in children:
                self._reasons.setdefault(
                    child, f"its parent stream {error.stream} was skipped: {error.summary}"
                )
        also = f" (with {', '.join(children)})" if children else ""
        logger.warning(
            "Stream %s skipped%s: %s The other streams go on (set on_stream_unavailable to "
            "fail to stop the run instead).",
            error.stream,
            also,
            error.summary,
        )

    def as_dict(self) -> dict[str, str]:
        with self._lock:
            return dict(self._reasons)

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._reasons)
