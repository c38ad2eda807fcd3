"""Contacts, from `POST /contacts/search`, which matches timestamps by calendar day.

"Timestamp fields ... are matched by calendar day. ... The day boundary uses your workspace's
timezone ... `>` matches from the start of the *next* day" (spec L8743-8761). The query therefore
reaches back a whole day before the window (the workspace's timezone is unknown) and the exact
window is applied here, on the full-precision `updated_at` the responses carry. Tags and companies
beyond the 10 a contact embeds are fetched (contact_lists.py).

The day reached back over can hold many contacts that are not in the window. So an incremental run
reads it apart, newest first ("sorting uses the full value", L8761), and stops at the first contact
below the window; the days after it are read oldest first, with a checkpoint after each page.
`< X` and `>= X` split at the same day boundary (L8743-8761), so the two reads cover what the one
query did. Nothing changed, a run asks for two pages instead of every contact of a day or two.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from typing_extensions import override

from tap_intercom import contact_lists, records, targeted
from tap_intercom.search import (
    ASCENDING_UPDATED_AT,
    DESCENDING_UPDATED_AT,
    Filter,
    SearchPage,
    at_least,
    cursor_pages,
)
from tap_intercom.streams.base import IntercomStream
from tap_intercom.timestamps import to_seconds
from tap_intercom.windows import Window

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context, Record

_DAY = 86_400


class ContactsStream(IntercomStream):
    name = "contacts"
    primary_keys = ("contact_id",)
    replication_key = "updated_at"
    # Bookmarks move only at checkpoints, each after every contact below it was read.
    is_sorted = True
    searched = True
    targeted_by = "contact_ids"

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        if self.targeted_ids:
            client, workers = self.runtime.client, self.runtime.settings.max_workers
            items = targeted.fetch_each(
                client, "contact", self.targeted_ids, workers, contact_lists.complete
            )
            yield from (records.contact(item) for item in items)
            return
        window = self.window()
        if window.lower is None:
            yield from self._ascending(window, EVERY_CONTACT)
            return
        yield from self._newest_first(window, _boundary_days(window.lower))
        self.checkpoint()
        yield from self._ascending(window, at_least("updated_at", window.lower + _DAY))

    def _ascending(self, window: Window, query: Filter) -> Iterator[dict[str, Any]]:
        for page in self._pages(query, ASCENDING_UPDATED_AT):
            yield from self._in_window(window, page.items)
            self.checkpoint()
        self._snapshot_ids()

    @override
    def generate_child_contexts(
        self, record: Record, context: Context | None
    ) -> Iterable[Context | None]:
        # The id snapshot child is written once, after every contact (`_snapshot_ids`).
        return ()

    def _snapshot_ids(self) -> None:
        child = next((s for s in self.child_streams if s.name == "contact_ids_snapshot"), None)
        if child is not None and child.selected:
            child.write_listing()  # type: ignore[attr-defined]

    def _newest_first(self, window: Window, query: Filter) -> Iterator[dict[str, Any]]:
        """The contacts of `query` at or after the window's start; the bookmark waits for the
        last of them (the caller's checkpoint)."""
        lower = window.lower or 0
        for page in self._pages(query, DESCENDING_UPDATED_AT):
            yield from self._in_window(window, page.items)
            if any(_updated_at(item) < lower for item in page.items):
                return

    def _pages(self, query: Filter, sort: dict[str, str]) -> Iterator[SearchPage]:
        client, size = self.runtime.client, self.runtime.settings.page_size
        return cursor_pages(client, "/contacts/search", "data", query, size, sort)

    def _in_window(self, window: Window, items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for item in items:
            if window.contains(_updated_at(item)):
                yield records.contact(contact_lists.complete(self.runtime.client, item))


EVERY_CONTACT: Filter = {"field": "updated_at", "operator": ">", "value": 0}


def _boundary_days(lower: int) -> Filter:
    """From the day before `lower`'s (the workspace's timezone is unknown) to the day after's
    start, where `at_least(lower + _DAY)` takes over."""
    before_next_day = {"field": "updated_at", "operator": "<", "value": lower + _DAY}
    return {"operator": "AND", "value": [at_least("updated_at", lower - _DAY), before_next_day]}


def _updated_at(item: dict[str, Any]) -> int:
    return int(to_seconds(item["updated_at"]))
