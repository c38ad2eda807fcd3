"""Contacts, from `POST /contacts/search`, which matches timestamps by calendar day.

"Timestamp fields ... are matched by calendar day. ... The day boundary uses your workspace's
timezone ... `>` matches from the start of the *next* day" (spec L8743-8761). The query therefore
reaches back a whole day before the window (the workspace's timezone is unknown) and the exact
window is applied here, on the full-precision `updated_at` the responses carry. Tags and companies
beyond the 10 a contact embeds are fetched (contact_lists.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from typing_extensions import override

from tap_intercom import contact_lists, records
from tap_intercom.search import Filter, at_least, cursor_pages
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
    is_sorted = True  # "sorting uses the full value" (spec L8761), ascending

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        window = self.window()
        pages = cursor_pages(
            self.runtime.client,
            "/contacts/search",
            "data",
            _day_query(window),
            self.runtime.settings.page_size,
        )
        for page in pages:
            for item in page.items:
                if window.contains(int(to_seconds(item["updated_at"]))):
                    yield records.contact(contact_lists.complete(self.runtime.client, item))
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


def _day_query(window: Window) -> Filter:
    if window.lower is None:
        return {"field": "updated_at", "operator": ">", "value": 0}
    return at_least("updated_at", window.lower - _DAY)
