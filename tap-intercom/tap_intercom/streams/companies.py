"""Companies, from the scroll API (`GET /companies/scroll`), filtered by updated_at here.

The scroll is the only listing without the 10,000-company cap of `POST /companies/list`
(spec L6777), and it is fragile (spec L6854-6865, fact sheet §11.5): one scroll per workspace at a
time ("scroll already exists", HTTP 400), a scroll_param expires after a minute idle, and after a
network error "it is not possible to continue from a specific point". A page request that failed
may still have moved the scroll on (a body cut short, a timeout), so asking again with the same
scroll_param could silently skip a page. So: wait for another scroll to expire before starting,
never repeat a page request, and when a page fails start a new scroll (after the old one expires),
skipping companies already written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from typing_extensions import override

from tap_intercom import records
from tap_intercom.errors import IntercomRequestError
from tap_intercom.streams.base import IntercomStream
from tap_intercom.timestamps import to_seconds
from tap_intercom.windows import Window

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context, Record

logger = logging.getLogger("tap-intercom")

_MAX_RESTARTS_WITHOUT_PROGRESS = 5
# A scroll expires after one idle minute: wait a little longer than that for someone else's.
_SCROLL_EXISTS_WAIT_SECONDS = 75.0
_SCROLL_EXISTS_POLL_SECONDS = 2.0


@dataclass
class _ScrollPass:
    """One scroll from its start: how far it got."""

    companies_seen: int = 0


class ScrollLostError(Exception):
    """The open scroll can no longer be continued: start a new one."""


class CompaniesStream(IntercomStream):
    name = "companies"
    primary_keys = ("company_id",)
    replication_key = "updated_at"
    is_sorted = False  # scroll order is not updated_at order: the bookmark moves at the end

    @override
    def generate_child_contexts(
        self, record: Record, context: Context | None
    ) -> Iterable[Context | None]:
        # The id snapshot child is written once, after the whole scroll (`_snapshot_ids`).
        return ()

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        window = self.window()
        written: set[str] = set()
        deepest = 0  # the most companies one scroll got through before it was lost
        stalled = 0  # restarts in a row that got no further and brought no new company
        while stalled < _MAX_RESTARTS_WITHOUT_PROGRESS:
            before = len(written)
            scroll = _ScrollPass()
            try:
                yield from self._read_scroll(window, written, scroll)
                self._snapshot_ids(written)
                return
            except ScrollLostError as lost:
                progressed = len(written) > before or scroll.companies_seen > deepest
                deepest = max(deepest, scroll.companies_seen)
                stalled = 0 if progressed else stalled + 1
                logger.warning("Companies scroll lost (%s); starting a new scroll", lost)
        msg = f"the companies scroll was lost {_MAX_RESTARTS_WITHOUT_PROGRESS} times in a row"
        raise IntercomRequestError(
            msg, endpoint="GET /companies/scroll", status=None, request_id=None
        )

    def _snapshot_ids(self, company_ids: set[str]) -> None:
        """The scroll ended whole: every company id seen is a complete snapshot (a company seen
        by an earlier, lost scroll only keeps its row live once more, never marks one)."""
        child = next((s for s in self.child_streams if s.name == "company_ids_snapshot"), None)
        if child is None or not child.selected:
            return
        snapshot = child.begin()  # type: ignore[attr-defined]
        if snapshot is not None:
            child.write_snapshot(sorted(company_ids), snapshot)  # type: ignore[attr-defined]

    def _read_scroll(
        self, window: Window, written: set[str], scroll: _ScrollPass
    ) -> Iterator[dict[str, Any]]:
        """The scroll's companies not written yet; `scroll` counts every company it returned."""
        for page in self._scroll():
            scroll.companies_seen += len(page)
            for item in page:
                if item["id"] in written:
                    continue
                written.add(item["id"])
                if window.contains(int(to_seconds(item["updated_at"]))):
                    yield records.company(item)
            self.checkpoint()

    def _scroll(self) -> Iterator[list[dict[str, Any]]]:
        response = self._start()
        while data := response.get("data") or []:
            yield data
            response = self._continue(response.get("scroll_param"))

    def _start(self) -> dict[str, Any]:
        deadline = time.monotonic() + _SCROLL_EXISTS_WAIT_SECONDS
        while True:
            try:
                return self.runtime.client.get("/companies/scroll")
            except IntercomRequestError as error:
                if "scroll_exists" not in str(error) or time.monotonic() > deadline:
                    raise
                logger.info("Another companies scroll is open; waiting for it to expire")
                time.sleep(_SCROLL_EXISTS_POLL_SECONDS)

    def _continue(self, scroll_param: str | None) -> dict[str, Any]:
        if not scroll_param:
            msg = "no scroll_param in the response"
            raise ScrollLostError(msg)
        try:
            return self.runtime.client.get(
                "/companies/scroll", {"scroll_param": scroll_param}, max_tries=1
            )
        except IntercomRequestError as error:
            raise ScrollLostError(str(error)) from None
