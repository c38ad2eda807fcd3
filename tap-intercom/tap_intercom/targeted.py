"""Objects fetched one by one by id: the runs of `contact_ids`, `company_ids`, `ticket_ids`.

The webhook receiver (webhooks/) runs the tap this way for the objects Intercom notified it of,
so a row is always the API's whole object. An object gone since its id was given (deleted: 404;
a lead merged into a user: 410 `contact_merged`, spec 2.16 L8322-8340) is skipped with a warning:
deletions are marked by their own notifications and by the deletion check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from tap_intercom.client import IntercomClient
from tap_intercom.errors import IntercomNotFoundError, IntercomRequestError
from tap_intercom.fetch import ordered_map
from tap_intercom.gate import InFlightGate

logger = logging.getLogger("tap-intercom")

GONE = 410
# The one-object path of each kind (spec 2.16: ShowContact L8024, RetrieveACompanyById L6203,
# getTicket L20712).
PATHS = {"contact": "/contacts", "company": "/companies", "ticket": "/tickets"}
Complete = Callable[[IntercomClient, dict[str, Any]], dict[str, Any]]


def fetch_each(
    client: IntercomClient,
    kind: str,
    ids: Sequence[str],
    gate: InFlightGate,
    complete: Complete | None = None,
) -> Iterator[dict[str, Any]]:
    """`GET /contacts/{id}` (or the kind's path) for each id, in parallel under the client's
    one rate budget and the run's adaptive limit (`gate`), in the order given; `complete` adds
    what the object only links to (a contact's tags...)."""

    def fetch(object_id: str) -> dict[str, Any] | None:
        try:
            item = client.get(f"{PATHS[kind]}/{object_id}")
        except IntercomNotFoundError:
            logger.warning("%s %s is gone (HTTP 404); skipped", kind.capitalize(), object_id)
            return None
        except IntercomRequestError as error:
            if error.status != GONE:
                raise
            name = kind.capitalize()
            logger.warning("%s %s is gone (HTTP 410: %s); skipped", name, object_id, error)
            return None
        return complete(client, item) if complete is not None else item

    for _, item in ordered_map(fetch, list(dict.fromkeys(ids)), gate):
        if item is not None:
            yield item
