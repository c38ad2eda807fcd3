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
from tap_intercom.search import Filter, at_least, cursor_pages
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
        """Contacts of the exact window, each marked when it is the last of its page (an empty
        page, or one whose contacts all lie outside the window, still closes with a None)."""
        pages = cursor_pages(
            self.runtime.client,
            "/contacts/search",
            "data",
            _day_query(window),
            self.runtime.settings.page_size,
        )
        for page in pages:
            inside = [i for i in page.items if window.contains(int(to_seconds(i["updated_at"])))]
            for index, item in enumerate(inside):
                yield item, index == len(inside) - 1
            if not inside:
                yield {}, True

    def _completed(self, ref: ContactRef) -> dict[str, Any] | None:
        item = ref[0]
        return contact_lists.complete(self.runtime.client, item) if item else None


def _day_query(window: Window) -> Filter:
    if window.lower is None:
        return {"field": "updated_at", "operator": ">", "value": 0}
    return at_least("updated_at", window.lower - _DAY)
