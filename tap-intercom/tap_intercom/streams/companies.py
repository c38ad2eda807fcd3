"""Companies, from the scroll API (`GET /companies/scroll`), filtered by updated_at here.

The scroll is the only complete listing: `POST /companies/list` stops at 10,000 companies (spec
2.16 L6777) and leaves out companies without users (L6775). It is fragile (L6854-6865):

- one scroll per workspace at a time: another one answers 400 `scroll_exists` "scroll already
  exists" until it ends or expires (intercom/intercom-ruby#292: "You'll have to wait one minute");
- a scroll_param expires after one idle minute; what then answers is undocumented, the scroll
  endpoint does answer 404 (airbytehq/airbyte source-intercom manifest.yaml filters 404 on it);
- a network error mid-scroll is a 500 "Please restart the scroll operation": "It is not possible
  to continue from a specific point" (Airbyte restarts the scroll on a 500: RESET_PAGINATION).

So the whole scroll is read first, into a temporary file (bounded memory), and only then written
out: a slow target blocking our stdout can no longer leave the scroll idle until it expires. A page
is never asked for twice (a failed answer may already have moved the scroll on); any failed page
starts a new scroll from the beginning, at once. A scroll held by someone else is waited for until
it expires. When companies still cannot be read, the stream is given up and the run goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from typing_extensions import override

from tap_intercom import records, targeted
from tap_intercom.errors import (
    IntercomNotFoundError,
    IntercomRequestError,
    StreamUnavailableError,
)
from tap_intercom.snapshots import now_utc
from tap_intercom.spool import Spool
from tap_intercom.streams.base import IntercomStream
from tap_intercom.timestamps import to_seconds
from tap_intercom.windows import Window

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context, Record

logger = logging.getLogger("tap-intercom")

# A lost scroll is read again from the start. Companies are given up after this many scrolls in a
# row that got no further than an earlier one (a cause another try will not remove), or after
# MAX_SCROLLS in all (each reads the workspace's companies again).
MAX_SCROLLS_WITHOUT_PROGRESS = 3
MAX_SCROLLS = 10
# An idle scroll expires after a minute (spec L6855): someone else's is waited for a little longer.
HELD_SCROLL_WAIT_SECONDS = 75.0
HELD_SCROLL_POLL_SECONDS = 5.0
HINT = (
    "make sure no other sync or script reads this workspace's companies at the same time, "
    "then run again"
)


class ScrollLostError(Exception):
    """The open scroll can no longer be continued: start a new one."""

    def __init__(self, message: str, pages: int) -> None:
        super().__init__(message)
        self.pages = pages  # pages read before it was lost


class ScrollHeldError(Exception):
    """Someone kept the workspace's only scroll open for longer than it can idle."""


class CompaniesStream(IntercomStream):
    name = "companies"
    primary_keys = ("company_id",)
    replication_key = "updated_at"
    is_sorted = False  # scroll order is not updated_at order: the bookmark moves at the end
    targeted_by = "company_ids"
    _scroll_started: datetime | None = None  # when the scroll being read began

    @override
    def generate_child_contexts(
        self, record: Record, context: Context | None
    ) -> Iterable[Context | None]:
        # The id snapshot child is written once, after the whole scroll (`_snapshot_ids`).
        return ()

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if self.targeted_ids:
            gate = self.runtime.gate
            items = targeted.fetch_each(self.runtime.client, "company", self.targeted_ids, gate)
            yield from (records.company(item) for item in items)
            return
        window = self.window()
        company_ids: set[str] = set()  # every id of the complete scroll, in the window or not
        with Spool(prefix="tap-intercom-companies-") as spool:
            self._read_scroll(window, spool, company_ids)
            for item in spool:
                yield records.company(item)
        self.checkpoint()
        self._snapshot_ids(company_ids)

    def _read_scroll(self, window: Window, spool: Spool, company_ids: set[str]) -> None:
        """Every company of one complete scroll that falls in the window, into `spool`; the ids
        of all its companies into `company_ids`."""
        deepest, stalled = 0, 0
        for number in range(1, MAX_SCROLLS + 1):
            spool.clear()
            company_ids.clear()
            # A company created while this scroll runs may be missing from it: the snapshot
            # judges only rows older than the scroll's start (minus the lookback).
            self._scroll_started = now_utc()
            try:
                self._scroll_into(window, spool, company_ids)
                return
            except ScrollLostError as lost:
                stalled = 0 if lost.pages > deepest else stalled + 1
                deepest = max(deepest, lost.pages)
                if stalled >= MAX_SCROLLS_WITHOUT_PROGRESS or number == MAX_SCROLLS:
                    raise unavailable(
                        f"the companies scroll was lost {number} times ({lost})"
                    ) from None
                logger.warning("Companies scroll lost (%s); reading it again from the start", lost)
            except ScrollHeldError as held:
                raise unavailable(str(held)) from None

    def _snapshot_ids(self, company_ids: set[str]) -> None:
        """The scroll ended whole: every company id it returned is a complete snapshot."""
        child = next((s for s in self.child_streams if s.name == "company_ids_snapshot"), None)
        if child is None or not child.selected:
            return
        snapshot = child.begin(self._scroll_started)  # type: ignore[attr-defined]
        if snapshot is not None:
            child.write_snapshot(sorted(company_ids), snapshot)  # type: ignore[attr-defined]

    def _scroll_into(self, window: Window, spool: Spool, company_ids: set[str]) -> None:
        response = self._start()
        pages = 0
        while data := response.get("data") or []:
            pages += 1
            for item in data:
                company_ids.add(str(item["id"]))
                if window.contains(int(to_seconds(item["updated_at"]))):
                    spool.append(item)
            response = self._continue(response.get("scroll_param"), pages)

    def _start(self) -> dict[str, Any]:
        """The first page of a new scroll, once no other scroll holds the workspace."""
        clock = self.runtime.clock
        deadline = clock.time() + HELD_SCROLL_WAIT_SECONDS
        told = False
        while True:
            try:
                return self.runtime.client.get("/companies/scroll", list_keys=("data",))
            except IntercomNotFoundError as error:
                raise ScrollLostError(f"the scroll could not start: {error}", 0) from None
            except IntercomRequestError as error:
                if "scroll_exists" not in str(error):
                    raise
            if clock.time() >= deadline:
                message = (
                    "another client kept this workspace's companies scroll open for more than "
                    f"{HELD_SCROLL_WAIT_SECONDS:.0f} s (Intercom allows one scroll at a time)"
                )
                raise ScrollHeldError(message)
            if not told:
                told = True
                logger.warning(
                    "A companies scroll is already open in this workspace (another client's, "
                    "or one this run lost); Intercom allows one at a time: waiting up to %.0f s "
                    "for it to expire",
                    HELD_SCROLL_WAIT_SECONDS,
                )
            clock.sleep(HELD_SCROLL_POLL_SECONDS)

    def _continue(self, scroll_param: str | None, pages: int) -> dict[str, Any]:
        if not scroll_param:
            msg = f"no scroll_param after page {pages}"
            raise ScrollLostError(msg, pages)
        try:
            return self.runtime.client.get(
                "/companies/scroll",
                {"scroll_param": scroll_param},
                max_tries=1,
                list_keys=("data",),
            )
        except (IntercomNotFoundError, IntercomRequestError) as error:
            raise ScrollLostError(f"page {pages + 1} failed: {error}", pages) from None


def unavailable(reason: str) -> StreamUnavailableError:
    """Companies cannot be read in this run: skipped and reported (streams/base.py), the other
    streams go on."""
    return StreamUnavailableError("companies", reason, HINT)
