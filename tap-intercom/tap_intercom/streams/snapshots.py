"""The id snapshot streams (tap_intercom/snapshots.py): contacts listed by id, companies from the
companies stream's own scroll.

Cost of one check, documented in docs/deletions.md: contacts, ceil(contacts / 150) requests to
`GET /contacts` (150 is the most a list page holds: spec 2.16 L8925, Intercom-OpenAPI PR #639);
companies, none beyond the scroll the companies stream reads anyway (one scroll per workspace at a
time, spec L6854, so a second scroll would wait a minute for the first to expire).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tap_intercom.settings import MAX_PAGE_SIZE
from tap_intercom.snapshots import CHECKED_AT, Snapshot, check_due, merged_pairs, now_utc
from tap_intercom.streams.base import IntercomStream
from tap_intercom.streams.companies import CompaniesStream
from tap_intercom.streams.contacts import ContactsStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

logger = logging.getLogger("tap-intercom")


class SnapshotStream(IntercomStream):
    """Records of id snapshots; the bookmark is the time of the last whole snapshot."""

    primary_keys = ()

    def begin(self, listing_started: datetime | None = None) -> Snapshot | None:
        """A new snapshot when one is due this run, else None (and a log line saying when).
        `listing_started`: when the listing began, if it began before this call (the companies
        scroll is read whole before its snapshot is written)."""
        settings = self.runtime.settings
        now = now_utc()
        if not check_due(self.stream_state, settings.deletion_check_interval_hours, now):
            logger.info(
                "%s: last deletion check at %s; the next one is due %d hours after it "
                "(deletion_check_interval_hours)",
                self.name,
                self.stream_state.get(CHECKED_AT),
                settings.deletion_check_interval_hours,
            )
            return None
        # Objects changed within the lookback may be too new for the list (search and lists are
        # eventually consistent: "Contact Creation Delay", spec 2.16 L8728): rows updated since
        # `listed_from` are never marked from this snapshot.
        started = listing_started or now
        return Snapshot(self.name, started - timedelta(seconds=settings.lookback_seconds))

    def _write(self, record: dict[str, Any]) -> None:
        self._write_record_message(record)
        self.runtime.progress.record_emitted()

    def finish(self, snapshot: Snapshot) -> None:
        """The listing ended whole: the bookmark moves, in the STATE after the closing record."""
        self.stream_state[CHECKED_AT] = now_utc().isoformat()
        if self.get_batch_config(self.config) is None:
            self._write_state_message()
        # With `batch_config` the parent's records still sit in a batch file, and the state
        # already holds their bookmark: the STATE the SDK writes after the parent's BATCH
        # message (or the run's last one) carries this bookmark too.
        logger.info(
            "%s: %d live ids, %d merged, snapshot %s complete",
            self.name,
            snapshot.live,
            snapshot.merged,
            snapshot.snapshot_id,
        )


class ContactIdsSnapshotStream(SnapshotStream):
    """Every contact id from `GET /contacts`, with 2.16's merge history; written by the contacts
    stream after its own records. With `batch_config` those records come later, in the stream's
    BATCH message: the snapshot then judges the rows of earlier runs only (`listed_from`)."""

    name = "contact_ids_snapshot"
    parent_stream_type = ContactsStream

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        return ()

    def write_listing(self) -> None:
        snapshot = self.begin()
        if snapshot is None:
            return
        self._write_schema_message()
        for contact in self._listing():
            self._write(snapshot.live_record(str(contact["id"])))
            for source, into in merged_pairs(contact):
                self._write(snapshot.merged_record(source, into))
        # Only once the listing has ended: a listing that fails raises before this line.
        self._write_record_message(snapshot.closing())
        self.finish(snapshot)

    def _listing(self) -> Iterable[dict[str, Any]]:
        params: dict[str, Any] = {"per_page": MAX_PAGE_SIZE}
        if self.runtime.settings.api_version == "2.16":
            params["include_merge_history"] = "true"  # spec 2.16 L8909
        while True:
            response = self.runtime.client.get("/contacts", params)
            yield from response.get("data") or []
            following = ((response.get("pages") or {}).get("next") or {}).get("starting_after")
            if not following or not response.get("data"):
                return
            params = {**params, "starting_after": following}


class CompanyIdsSnapshotStream(SnapshotStream):
    """Every company id the companies stream's scroll returned, written by that stream once its
    scroll has ended whole (see CompaniesStream.produce)."""

    name = "company_ids_snapshot"
    parent_stream_type = CompaniesStream

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        return ()

    def write_snapshot(self, company_ids: Iterable[str], snapshot: Snapshot) -> None:
        """Write the snapshot's records through this stream (its parent is syncing)."""
        self._write_schema_message()
        for company_id in company_ids:
            self._write(snapshot.live_record(company_id))
        self._write_record_message(snapshot.closing())
        self.finish(snapshot)
