"""Tickets, from `POST /tickets/search`: second-precise, like conversations.

See docs/intercom-api.md#search-precision.

Search results carry `ticket_parts` in Intercom's example; when they do not, the ticket is fetched
with `GET /tickets/{id}` (parts included, at most 500), in parallel.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from tap_intercom import records, targeted
from tap_intercom.errors import IntercomNotFoundError
from tap_intercom.fetch import ordered_map
from tap_intercom.search import keyset_pages
from tap_intercom.streams.base import IntercomStream
from tap_intercom.timestamps import to_iso, to_seconds

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

TicketRef = tuple[dict[str, Any], bool]  # (search item, closes its page)


class TicketsStream(IntercomStream):
    name = "tickets"
    primary_keys = ("ticket_id",)
    replication_key = "updated_at"
    is_sorted = True
    searched = True
    targeted_by = "ticket_ids"

    def produce(self, context: Context | None) -> Iterable[dict[str, Any]]:
        gate = self.runtime.gate
        if self.targeted_ids:
            items = targeted.fetch_each(self.runtime.client, "ticket", self.targeted_ids, gate)
            yield from (records.ticket(item) for item in items)
            return
        found = ordered_map(
            self._with_parts,
            self._found(),
            gate,
            needs_request=lambda ref: "ticket_parts" not in ref[0],
        )
        for (listed, closes_page), ticket in found:
            if ticket is not None:
                self.search_position = to_iso(int(to_seconds(listed["updated_at"])))
                yield records.ticket(ticket)
            if closes_page:
                self.checkpoint()

    def _found(self) -> Iterator[TicketRef]:
        client, settings = self.runtime.client, self.runtime.settings
        pages = keyset_pages(
            client, "/tickets/search", "tickets", self.window(), settings.page_size
        )
        for page in pages:
            for index, item in enumerate(page.items):
                yield item, index == len(page.items) - 1

    def _with_parts(self, ref: TicketRef) -> dict[str, Any] | None:
        item = ref[0]
        if "ticket_parts" in item:
            return item
        try:
            return self.runtime.client.get(f"/tickets/{item['id']}")
        except IntercomNotFoundError:
            self.logger.warning("Ticket %s disappeared before it was fetched; skipped", item["id"])
            return None
