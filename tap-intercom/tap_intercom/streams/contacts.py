"""Contacts, from `POST /contacts/search`, which matches timestamps by calendar day.

"Timestamp fields ... are matched by calendar day. ... The day boundary uses your workspace's
timezone ... `>` matches from the start of the *next* day" (spec L8743-8761). The query therefore
reaches back a whole day before the window (the workspace's timezone is unknown) and the exact
window is applied here, on the full-precision `updated_at` the responses carry. Tags and companies
beyond the 10 a contact embeds are fetched (contact_lists.py), for many contacts at once under the
shared adaptive limit (fetch.py), and written in search order.

The day reached back over can hold many contacts that are not in the window. So an incremental run
reads it apart, newest first ("sorting uses the full value", L8761), and stops at the first contact
below the window; the days after it are read oldest first, with a checkpoint after each page.
`< X` and `>= X` split at the same day boundary (L8743-8761), so the two reads cover what the one
query did. Nothing changed, a run asks for two pages instead of every contact of a day or two.
A read from the beginning (no lower bound) is walked as lanes when it is long (search_lanes.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from typing_extensions import override

from tap_intercom import contact_lists, records, targeted
from tap_intercom.fetch import ordered_map
from tap_intercom.search import (
    ASCENDING_UPDATED_AT,
    DESCENDING_UPDATED_AT,
    Filter,
    SearchPage,
    at_least,
    cursor_pages,
)
from tap_intercom.search_lanes import laned_refs
from tap_intercom.streams.base import IntercomStream
from tap_intercom.timestamps import to_seconds
from tap_intercom.windows import Window

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context, Record

_DAY = 86_400

# (search item, a checkpoint follows it); an empty item only carries the checkpoint.
ContactRef = tuple[dict[str, Any], bool]
# Most contacts need no request; one with many companies needs several in a row. Contacts that
# wait behind it are search items already read (a few kB each): let many wait.
CONTACTS_WAITING = 1_000


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
            client, gate = self.runtime.client, self.runtime.gate
            items = targeted.fetch_each(
                client, "contact", self.targeted_ids, gate, contact_lists.complete
            )
            yield from (records.contact(item) for item in items)
            return
        found = ordered_map(
            self._completed,
            self._refs(self.window()),
            self.runtime.gate,
            waiting=CONTACTS_WAITING,
            needs_request=lambda ref: contact_lists.incomplete(ref[0]),
        )
        for (_, checkpoint_after), contact in found:
            if contact is not None:
                yield records.contact(contact)
            if checkpoint_after:
                self.checkpoint()
        self._snapshot_ids()

    def _refs(self, window: Window) -> Iterator[ContactRef]:
        """Every contact of the exact window, with the checkpoints the reads allow."""
        if window.lower is None:
            yield from laned_refs(self._walk, window, _page_refs)
            return
        yield from _checkpoint_after_last(self._newest_first(window, _boundary_days(window.lower)))
        for page in self._pages(at_least("updated_at", window.lower + _DAY), ASCENDING_UPDATED_AT):
            yield from _page_refs(window, page)

    def _walk(self, part: Window) -> Iterator[SearchPage]:
        """One lane of a read from the beginning: its own day query, its exact window after."""
        return self._pages(_day_query(part), ASCENDING_UPDATED_AT)

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
        last of them (one checkpoint after them all)."""
        lower = window.lower or 0
        for page in self._pages(query, DESCENDING_UPDATED_AT):
            yield from (item for item in page.items if window.contains(_updated_at(item)))
            if any(_updated_at(item) < lower for item in page.items):
                return

    def _pages(self, query: Filter, sort: dict[str, str]) -> Iterator[SearchPage]:
        client, size = self.runtime.client, self.runtime.settings.page_size
        return cursor_pages(client, "/contacts/search", "data", query, size, sort)

    def _completed(self, ref: ContactRef) -> dict[str, Any] | None:
        item = ref[0]
        return contact_lists.complete(self.runtime.client, item) if item else None


def _page_refs(window: Window, page: SearchPage) -> Iterator[ContactRef]:
    """The page's contacts within the exact window, a checkpoint after the last (a page whose
    contacts all lie outside the window still gets its checkpoint, with an empty ref)."""
    return _checkpoint_after_last(i for i in page.items if window.contains(_updated_at(i)))


def _checkpoint_after_last(items: Iterable[dict[str, Any]]) -> Iterator[ContactRef]:
    previous: dict[str, Any] | None = None
    for item in items:
        if previous is not None:
            yield previous, False
        previous = item
    yield (previous, True) if previous is not None else ({}, True)


EVERY_CONTACT: Filter = {"field": "updated_at", "operator": ">", "value": 0}


def _boundary_days(lower: int) -> Filter:
    """From the day before `lower`'s (the workspace's timezone is unknown) to the day after's
    start, where `at_least(lower + _DAY)` takes over."""
    before_next_day = {"field": "updated_at", "operator": "<", "value": lower + _DAY}
    return {"operator": "AND", "value": [at_least("updated_at", lower - _DAY), before_next_day]}


def _day_query(window: Window) -> Filter:
    """A lane's query: from its lower bound's day before (or every contact) to a day past its
    upper bound. `<` "matches everything before the start of that day" (spec L8743-8761), so
    `< upper + 1 day` keeps the whole lane in any timezone without reading every later contact
    only to drop it."""
    lower = EVERY_CONTACT if window.lower is None else at_least("updated_at", window.lower - _DAY)
    upper = {"field": "updated_at", "operator": "<", "value": window.upper + _DAY}
    return {"operator": "AND", "value": [lower, upper]}


def _updated_at(item: dict[str, Any]) -> int:
    return int(to_seconds(item["updated_at"]))
