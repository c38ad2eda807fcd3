"""The companies scroll: one open scroll per app, expiring after idle time (spec L6854-6865).

"Each app can only have 1 scroll open at a time ... If the scroll isn't used for 1 minute, it
expires and calls with that scroll param will fail ... If the end of the scroll is reached,
"companies" will be empty and the scroll parameter will expire". What "fail" looks like is not
documented; the scroll endpoint answers 404 (airbytehq/airbyte, source-intercom manifest.yaml:
its companies stream has a 404 filter of its own), so an expired or unknown scroll_param is
answered 404 not_found here. A network error mid-scroll is a 500 "Please restart the scroll
operation" after which "It is not possible to continue from a specific point" (spec L6862-6865):
the fake drops the scroll then, so that a new one can start at once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ApiError, not_found

RESTART_MESSAGE = (
    "Request failed due to an internal network error. Please restart the scroll operation."
)


@dataclass
class Scroll:
    param: str
    ids: list[str]  # the companies in scroll order, fixed when the scroll starts
    position: int
    last_used: float


class ScrollRegistry:
    def __init__(
        self,
        expiry_seconds: float,
        page_size: int,
        clock: Callable[[], float] = time.monotonic,
        failed_requests: tuple[int, ...] = (),
    ) -> None:
        self.expiry_seconds = expiry_seconds
        self.page_size = page_size
        self._clock = clock
        self._failed_requests = frozenset(failed_requests)
        self._requests = 0
        self._open: Scroll | None = None
        self._lock = threading.Lock()

    def next_page(self, param: str | None, company_ids: list[str]) -> tuple[str, list[str]]:
        """(scroll_param, ids of this page); an empty page ends the scroll."""
        with self._lock:
            self._requests += 1
            now = self._clock()
            if self._open and now - self._open.last_used > self.expiry_seconds:
                self._open = None
            if self._requests in self._failed_requests:
                self._open = None
                raise ApiError(500, "server_error", RESTART_MESSAGE)
            scroll = self._start(company_ids, now) if param is None else self._resume(param)
            page = scroll.ids[scroll.position : scroll.position + self.page_size]
            scroll.position += len(page)
            scroll.last_used = now
            if not page:
                self._open = None
            return scroll.param, page

    def _start(self, company_ids: list[str], now: float) -> Scroll:
        if self._open is not None:
            # Error text and code as reported by API users (intercom-ruby issue #292).
            raise ApiError(400, "scroll_exists", "scroll already exists for this app/workspace")
        self._open = Scroll(str(uuid.uuid4()), sorted(company_ids), 0, now)
        return self._open

    def _resume(self, param: str) -> Scroll:
        if self._open is None or self._open.param != param:
            raise not_found("Scroll parameter not found; it expired or was never issued")
        return self._open
