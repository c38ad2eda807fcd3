"""Deleted conversations, newest first, from `GET /conversations/deleted` (API 2.16 only).

The list is paged by page number, at most 60 a page (spec 2.16 L13536-13542), in deletion order:
`order` is "`asc` or `desc` ... Defaults to desc" (L13544-13548), and the example answer to
`order=desc` lists `deleted_at` 1734537460 before 1734537400 while the ids rise (512, 513:
L13566-13580), so the order is by deletion time, not by id. Read newest first, a run stops at the
first page that reaches below its window: with no new deletion that is one request, where reading
oldest first went through the whole history, page by page, every run.

Newest first, a deletion made while the pages are read moves every entry one place down: an entry
can come twice (at the end of one page and the start of the next), never be skipped. Should the
list not be in that order (a later `deleted_at` after an earlier one), a warning says so and every
page is read, as a list in unknown order needs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from tap_intercom.client import IntercomClient
from tap_intercom.timestamps import to_seconds

logger = logging.getLogger("tap-intercom")

PATH = "/conversations/deleted"
PER_PAGE = 60  # the maximum (spec 2.16 L13536-13542)


def deleted_since(client: IntercomClient, lower: int | None) -> Iterator[dict[str, Any]]:
    """Each deleted conversation with `deleted_at` >= `lower` (all when None) once, newest
    first, and possibly some older ones (the rest of the last page read)."""
    seen: set[str] = set()
    in_order = True
    previous: int | None = None
    page = 1
    while True:
        params = {"page": page, "per_page": PER_PAGE, "order": "desc"}
        response = client.get(PATH, params, list_keys=("conversations",))
        items = response.get("conversations") or []
        for item in items:
            deleted_at = deleted_second(item)
            if in_order and previous is not None and deleted_at > previous:
                in_order = False
                logger.warning(
                    "deleted_conversations: Intercom's list is not newest first (page %s); "
                    "reading all of it",
                    page,
                )
            previous = deleted_at
            if str(item["id"]) not in seen:
                seen.add(str(item["id"]))
                yield item
        if not items or page >= _total_pages(response):
            return
        if in_order and lower is not None and previous is not None and previous < lower:
            return
        page += 1


def deleted_second(item: dict[str, Any]) -> int:
    return int(to_seconds(item["deleted_at"]))


def _total_pages(response: dict[str, Any]) -> int:
    return int((response.get("pages") or {}).get("total_pages") or 0)
