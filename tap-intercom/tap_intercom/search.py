"""Paging through Intercom's search endpoints (`POST /<model>/search`).

Search bodies carry `pagination: {per_page, starting_after}` (not query parameters:
docs/intercom-api.md#pagination) and an explicit `sort` (undocumented for conversations but
accepted: intercom/Intercom-OpenAPI#114).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tap_intercom.client import IntercomClient
from tap_intercom.errors import IntercomRequestError
from tap_intercom.timestamps import to_seconds
from tap_intercom.windows import Window

Filter = dict[str, Any]
ASCENDING_UPDATED_AT = {"field": "updated_at", "order": "ascending"}
# 2.16 accepts only "ascending" and "descending" (spec L8872-8878: "desc" is a 400).
DESCENDING_UPDATED_AT = {"field": "updated_at", "order": "descending"}


@dataclass
class SearchPage:
    items: list[dict[str, Any]]
    total_count: int | None


def at_least(field: str, value: int) -> Filter:
    """`field >= value`: whether `>` is strict is ambiguous in the docs
    (docs/intercom-api.md#search-precision)."""
    return {
        "operator": "OR",
        "value": [
            {"field": field, "operator": ">", "value": value},
            {"field": field, "operator": "=", "value": value},
        ],
    }


def window_query(window: Window, lower: int | None) -> Filter:
    below = {"field": "updated_at", "operator": "<", "value": window.upper}
    if lower is None:
        return below
    return {"operator": "AND", "value": [at_least("updated_at", lower), below]}


def cursor_pages(
    client: IntercomClient,
    path: str,
    key: str,
    query: Filter,
    page_size: int,
    sort: dict[str, str] = ASCENDING_UPDATED_AT,
) -> Iterator[SearchPage]:
    """Every page of one search, following Intercom's `starting_after` cursor."""
    cursor: str | None = None
    seen_cursors: set[str] = set()
    while True:
        response = client.post(path, _body(query, page_size, cursor, sort), list_keys=(key,))
        yield SearchPage(response.get(key) or [], response.get("total_count"))
        cursor = next_cursor(response)
        if cursor is None:
            return
        _refuse_repeat(cursor, seen_cursors, path)


def keyset_pages(
    client: IntercomClient, path: str, key: str, window: Window, page_size: int
) -> Iterator[SearchPage]:
    """Every record updated within the window, sorted by updated_at, each id once.

    For second-precise searches (conversations, tickets: docs/intercom-api.md#search-precision).
    Each page is a fresh query from the last page's highest updated_at (inclusive), so Intercom's
    stateless cursor ("if items are updated between 2 paginated queries, this can lead to duplicate
    or missed records", pagination docs) is only used to step through a single second holding more
    than a page of records. Records of that boundary second already seen are dropped.
    """
    lower, cursor = window.lower, None
    seen_at_lower: set[str] = set()
    seen_cursors: set[str] = set()
    while True:
        body = _body(window_query(window, lower), page_size, cursor)
        response = client.post(path, body, list_keys=(key,))
        items = response.get(key) or []
        fresh = [item for item in items if not _seen(item, lower, seen_at_lower)]
        yield SearchPage(fresh, response.get("total_count"))
        cursor = next_cursor(response)
        if cursor is None or not items:
            return
        page_max = max(_updated_at(item) for item in items)
        if lower is None or page_max > lower:
            lower, cursor = page_max, None
            seen_at_lower = {item["id"] for item in items if _updated_at(item) == page_max}
        else:
            seen_at_lower |= {item["id"] for item in items}
            _refuse_repeat(cursor, seen_cursors, path)


def next_cursor(response: dict[str, Any]) -> str | None:
    following = (response.get("pages") or {}).get("next")
    if isinstance(following, dict):
        return following.get("starting_after") or None
    return None


def _body(
    query: Filter,
    page_size: int,
    cursor: str | None,
    sort: dict[str, str] = ASCENDING_UPDATED_AT,
) -> dict[str, Any]:
    pagination: dict[str, Any] = {"per_page": page_size}
    if cursor:
        pagination["starting_after"] = cursor
    return {"query": query, "sort": sort, "pagination": pagination}


def _updated_at(item: dict[str, Any]) -> int:
    return int(to_seconds(item["updated_at"]))


def _seen(item: dict[str, Any], lower: int | None, seen_at_lower: set[str]) -> bool:
    return _updated_at(item) == lower and item["id"] in seen_at_lower


def _refuse_repeat(cursor: str, seen: set[str], path: str) -> None:
    if cursor in seen:
        msg = "Intercom returned the same page cursor twice; stopping to avoid a loop"
        raise IntercomRequestError(msg, endpoint=f"POST {path}", status=200, request_id=None)
    seen.add(cursor)
