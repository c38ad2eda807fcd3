"""Contacts, from `POST /contacts/search`, which matches timestamps by calendar day.

"Timestamp fields ... are matched by calendar day. ... The day boundary uses your workspace's
timezone ... `>` matches from the start of the *next* day" (spec L8743-8761). The query therefore
reaches back a whole day before the window (the workspace's timezone is unknown) and the exact
window is applied here, on the full-precision `updated_at` the responses carry. Tags and companies
beyond the 10 a contact embeds are fetched (contact_lists.py), for many contacts at once under the
shared adaptive limit (fetch.py), and written in search order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from tap_intercom import contact_lists, records
from tap_intercom.fetch import ordered_map
from tap_intercom.search import Filter, SearchPage, at_least, cursor_pages
from tap_intercom.search_lanes import laned_refs
from tap_intercom.streams.base import IntercomStream
from tap_intercom.timestamps import to_seconds
from tap_intercom.windows import Window

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

_DAY = 86_400

ContactRef = tuple[dict[str, Any], bool]  # (search item, closes its page)
# Most contacts need no request; one with many companies needs several in a row. Contacts that
# wait behind it are search items already read (a few kB each): let many wait.
CONTACTS_WAITING = 1_000


class ContactsStream(IntercomStream):
    name = "contacts"
    primary_keys = ("contact_id",)
    replication_key = "updated_at"
    is_sorted = True  # "sorting uses the full value" (spec L8761), ascending

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        window = self.window()
        found = ordered_map(
            self._completed,
            self._found(window),
            self.runtime.gate,
            waiting=CONTACTS_WAITING,
            needs_request=lambda ref: contact_lists.incomplete(ref[0]),
        )
        for (_, closes_page), contact in found:
            if contact is not None:
                yield records.contact(contact)
            if closes_page:
                self.checkpoint()

    def _found(self, window: Window) -> Iterator[ContactRef]:
        """Contacts of the exact window in updated_at order, a long search walked as lanes
        (search_lanes.py): consecutive slices, each with its own day query and exact filter."""
        client, page_size = self.runtime.client, self.runtime.settings.page_size

        def walk(part: Window) -> Iterator[SearchPage]:
            return cursor_pages(client, "/contacts/search", "data", _day_query(part), page_size)

        return laned_refs(walk, window, _page_refs)

    def _completed(self, ref: ContactRef) -> dict[str, Any] | None:
        item = ref[0]
        return contact_lists.complete(self.runtime.client, item) if item else None


def _page_refs(window: Window, page: SearchPage) -> Iterator[ContactRef]:
    """The page's contacts within the exact window, the last marked as closing the page (a page
    whose contacts all lie outside the window still closes, with an empty ref)."""
    inside = [i for i in page.items if window.contains(int(to_seconds(i["updated_at"])))]
    for index, item in enumerate(inside):
        yield item, index == len(inside) - 1
    if not inside:
        yield {}, True


def _day_query(window: Window) -> Filter:
    """A day either side of the window: `<` "matches everything before the start of that day"
    (spec L8743-8761), so `< upper + 1 day` keeps all of it in any timezone; a lane ends there
    instead of reading every later contact only to drop it."""
    lower: Filter = (
        {"field": "updated_at", "operator": ">", "value": 0}
        if window.lower is None
        else at_least("updated_at", window.lower - _DAY)
    )
    upper = {"field": "updated_at", "operator": "<", "value": window.upper + _DAY}
    return {"operator": "AND", "value": [lower, upper]}
