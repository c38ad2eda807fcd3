"""Cursor pagination (lists and search) and page-number pagination, as documented.

Cursors are stateless: they carry the last item's sort value and id (and the next page number),
so "if items are updated between 2 paginated queries, this can lead to duplicate or missed
records" (pagination docs, "Search context state").
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from .errors import bad_request
from .search import Sort

MAX_PER_PAGE = 150  # "the max amount for any API is 150" (pagination docs)


def per_page_from(value: Any, default: int, maximum: int = MAX_PER_PAGE) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise bad_request(f"per_page must be an integer, got {value!r}") from None
    if number < 1:
        raise bad_request("per_page must be at least 1")
    return min(number, maximum)


def encode_cursor(value: Any, item_id: str, page: int) -> str:
    return base64.b64encode(json.dumps([value, item_id, page]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[Any, str, int]:
    try:
        value, item_id, page = json.loads(base64.b64decode(cursor, validate=True))
        return value, str(item_id), int(page)
    except (binascii.Error, ValueError, TypeError):
        raise bad_request("starting_after is not a valid cursor") from None


def _value_key(value: Any) -> tuple[int, Any]:
    return (0, 0) if value is None else (1, value)


def _id_key(item_id: str) -> tuple[int, str]:
    return (len(item_id), item_id)


@dataclass(frozen=True)
class CursorPage:
    items: list[Any]
    total_count: int
    page: int
    per_page: int
    next_cursor: str | None

    def pages(self) -> dict[str, Any]:
        pages: dict[str, Any] = {
            "type": "pages",
            "page": self.page,
            "per_page": self.per_page,
            "total_pages": math.ceil(self.total_count / self.per_page),
        }
        if self.next_cursor is not None:
            pages["next"] = {"page": self.page + 1, "starting_after": self.next_cursor}
        return pages


def cursor_page(
    matches: Sequence[Any],
    sort: Sort,
    item_id: Callable[[Any], str],
    per_page: int,
    cursor: str | None,
) -> CursorPage:
    keyed = [((_value_key(sort.field.get(m)), _id_key(item_id(m))), m) for m in matches]
    keyed.sort(key=lambda pair: pair[0], reverse=sort.descending)
    page = 1
    if cursor:
        value, last_id, page = decode_cursor(cursor)
        last = (_value_key(value), _id_key(last_id))
        if sort.descending:
            keyed = [pair for pair in keyed if pair[0] < last]
        else:
            keyed = [pair for pair in keyed if pair[0] > last]
    shown = [item for _, item in keyed[:per_page]]
    next_cursor = None
    if len(keyed) > per_page:
        last_item = shown[-1]
        next_cursor = encode_cursor(sort.field.get(last_item), item_id(last_item), page + 1)
    return CursorPage(shown, len(matches), page, per_page, next_cursor)


def page_number_links(
    next_base: str, page: int, per_page: int, total: int, query: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The `pages` object of a page-number list (`pages_link`, spec L32995): `next` is the URL of
    the following page, with `query` and the page size, or None on the last page."""
    total_pages = math.ceil(total / per_page)
    next_url = None
    if page < total_pages:
        next_query = urlencode({"per_page": per_page, **(query or {}), "page": page + 1})
        next_url = f"{next_base}?{next_query}"
    return {
        "type": "pages",
        "next": next_url,
        "page": page,
        "per_page": per_page,
        "total_pages": total_pages,
    }


def page_number_slice(items: Sequence[Any], page: int, per_page: int) -> list[Any]:
    start = (page - 1) * per_page
    return list(items[start : start + per_page])


def page_from(value: Any) -> int:
    if value is None:
        return 1
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise bad_request(f"page must be an integer, got {value!r}") from None
    if number < 1:
        raise bad_request("page must be at least 1")
    return number
