"""How the real Intercom search evaluates a query, sorts and pages (written from the public docs).

- Contact timestamps are matched by calendar day in the workspace's timezone: `=` is the whole
  day, `>` starts at the next day, `<` ends before that day, and `!=`, `>=`, `<=` are refused on
  date fields (spec 2.16 L8743-8761). Conversation and ticket searches compare the full value.
- At most 2 levels of nested filters and 15 filters per group (spec 2.16 L8736-8741).
- `sort.order` is "ascending" or "descending" (spec 2.16 L8872-8878); sorting uses the full
  value (L8761).
- `pagination.per_page` defaults to 50, at most 150; `starting_after` is a stateless cursor:
  "if items are updated between 2 paginated queries, this can lead to duplicate or missed
  records" (Intercom's pagination docs), so it is modelled as an offset into the sorted matches.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

DAY = 86_400
DATE_FIELDS = frozenset({"created_at", "updated_at", "signed_up_at", "last_seen_at"})
MAX_NESTING = 2
MAX_GROUP = 15
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 150


class SearchError(Exception):
    """A query the real service refuses with 400 (the message is Intercom-like)."""


def matcher(
    query: dict[str, Any], *, by_day: bool, utc_offset: int
) -> Callable[[dict[str, Any]], bool]:
    _check_shape(query, depth=0)

    def matches(item: dict[str, Any], node: dict[str, Any] = query) -> bool:
        operator = node.get("operator")
        if operator in ("AND", "OR"):
            results = [matches(item, child) for child in node["value"]]
            return all(results) if operator == "AND" else any(results)
        return _compare(item, node, by_day=by_day, utc_offset=utc_offset)

    return matches


def _check_shape(node: dict[str, Any], depth: int) -> None:
    if node.get("operator") not in ("AND", "OR"):
        return
    if depth + 1 > MAX_NESTING:
        raise SearchError("Nested filters exceed the maximum depth of 2")
    if len(node["value"]) > MAX_GROUP:
        raise SearchError("A filter group holds more than 15 filters")
    for child in node["value"]:
        _check_shape(child, depth + 1)


def _compare(item: dict[str, Any], node: dict[str, Any], *, by_day: bool, utc_offset: int) -> bool:
    field, operator, wanted = node["field"], node["operator"], node["value"]
    actual = item.get(field)
    if by_day and field in DATE_FIELDS:
        if operator not in ("=", ">", "<"):
            raise SearchError(f"operator {operator} is not supported on date field {field}")
        if actual is None:
            return False
        actual, wanted = _day(actual, utc_offset), _day(wanted, utc_offset)
    if actual is None:
        return False
    comparisons: dict[str, Callable[[Any, Any], bool]] = {
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        ">": lambda a, b: a > b,
        "<": lambda a, b: a < b,
        ">=": lambda a, b: a >= b,
        "<=": lambda a, b: a <= b,
    }
    if operator not in comparisons:
        raise SearchError(f"unknown operator {operator}")
    return comparisons[operator](actual, wanted)


def _day(timestamp: int, utc_offset: int) -> int:
    return (int(timestamp) + utc_offset) // DAY


def sort_key(sort: dict[str, Any] | None) -> tuple[str, bool]:
    """(field, descending); the default when no sort is sent is our choice (none is documented)."""
    if not sort:
        return "updated_at", True
    order = sort.get("order", "descending")
    if order not in ("ascending", "descending"):
        raise SearchError(f"sort order must be ascending or descending, got {order}")
    return str(sort.get("field", "updated_at")), order == "descending"


def page_of(
    matches: list[dict[str, Any]], pagination: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One page of `matches` and Intercom's `pages` object (with `next` unless it is the last)."""
    pagination = pagination or {}
    per_page = min(int(pagination.get("per_page") or DEFAULT_PER_PAGE), MAX_PER_PAGE)
    offset = _offset(pagination.get("starting_after"))
    page = matches[offset : offset + per_page]
    total_pages = max(-(-len(matches) // per_page), 1)
    pages: dict[str, Any] = {
        "type": "pages",
        "page": offset // per_page + 1,
        "per_page": per_page,
        "total_pages": total_pages,
    }
    if offset + per_page < len(matches):
        following = offset + per_page
        pages["next"] = {"page": following // per_page + 1, "starting_after": _cursor(following)}
    return page, pages


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["o"])
    except (ValueError, KeyError, TypeError) as error:
        raise SearchError("starting_after is not a valid cursor") from error
