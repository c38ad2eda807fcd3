"""The search query language: validation, evaluation and sorting (spec L8738-8761, L11620ff).

Contacts match timestamps by calendar day in the workspace's timezone ("`=` matches the whole day.
`>` matches from the start of the next day ... `<` matches everything before the start of that
day", spec L8743-8761) and reject `!=`, `<=`, `>=`, `IN`, `NIN` on dates. Conversations and
tickets compare timestamps to the second, as connectors observe (estuary/connectors
source-intercom-native api.py, airbytehq/airbyte#75462: docs/intercom-api.md#search-precision).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .clock import day_start, next_day_start
from .errors import ApiError, bad_request
from .plaintext import to_plaintext
from .searchable import Field, resolve_field
from .workspace import Workspace

Predicate = Callable[[Any], bool]
MAX_GROUP_DEPTH = 2  # "There's a limit of max 2 nested filters"
MAX_GROUP_FILTERS = 15  # "There's a limit of max 15 filters for each AND or OR group"
OPERATORS_BY_KIND = {
    "string": {"=", "!=", "IN", "NIN", "~", "!~", "^", "$"},
    "boolean": {"=", "!=", "IN", "NIN"},
    "integer": {"=", "!=", "IN", "NIN", "<", "<=", ">", ">="},
    "float": {"=", "!=", "IN", "NIN", "<", "<=", ">", ">="},
    "date": {"=", "!=", "IN", "NIN", "<", "<=", ">", ">="},
}
CONTACT_DATE_OPERATORS = {"=", "<", ">"}
SORT_ORDERS = ("ascending", "descending")


@dataclass(frozen=True)
class SearchContext:
    ws: Workspace
    model: str  # conversation | contact | ticket
    version: str


def compile_query(query: Any, ctx: SearchContext) -> Predicate:
    if not isinstance(query, dict):
        raise bad_request("query is required and must be an object")
    return _compile(query, ctx, depth=0)


def _compile(node: Any, ctx: SearchContext, depth: int) -> Predicate:
    if not isinstance(node, dict):
        raise bad_request("each filter must be an object")
    if node.get("operator") in ("AND", "OR"):
        return _compile_group(node, ctx, depth + 1)
    return _compile_filter(node, ctx)


def _compile_group(node: dict[str, Any], ctx: SearchContext, depth: int) -> Predicate:
    children = node.get("value")
    if depth > MAX_GROUP_DEPTH:
        raise bad_request(f"query has more than {MAX_GROUP_DEPTH} levels of nested filters")
    if not isinstance(children, list) or not children:
        raise bad_request("AND/OR filters need a non-empty list of filters as value")
    if len(children) > MAX_GROUP_FILTERS:
        raise bad_request(f"AND/OR groups may hold at most {MAX_GROUP_FILTERS} filters")
    predicates = [_compile(child, ctx, depth) for child in children]
    if node["operator"] == "AND":
        return lambda item: all(p(item) for p in predicates)
    return lambda item: any(p(item) for p in predicates)


def _compile_filter(node: dict[str, Any], ctx: SearchContext) -> Predicate:
    name, operator, value = node.get("field"), node.get("operator"), node.get("value")
    if not isinstance(name, str):
        raise bad_request("each filter needs a field")
    field = resolve_field(ctx.ws, ctx.model, name, ctx.version)
    if field is None:
        raise bad_request(f"{name} is not a searchable field", code="parameter_invalid")
    if not isinstance(operator, str):
        raise bad_request(f"each filter needs an operator (field {name})")
    _check_operator(field, operator, ctx)
    values = _typed_values(field, operator, value)
    if field.kind == "date" and ctx.model == "contact":
        return _day_predicate(field, operator, values[0], ctx.ws)
    compare = _comparison(field, operator, values)
    return lambda item: compare(field.get(item))


def _check_operator(field: Field, operator: Any, ctx: SearchContext) -> None:
    allowed = OPERATORS_BY_KIND[field.kind]
    if field.kind == "date" and ctx.model == "contact":
        allowed = CONTACT_DATE_OPERATORS
    if field.name in ("tag_id", "segment_id"):
        allowed = {"=", "!="}
    if operator not in allowed:
        msg = f"operator {operator!r} is not supported for field {field.name} ({field.kind})"
        raise bad_request(msg)


def _typed_values(field: Field, operator: str, value: Any) -> list[Any]:
    if operator in ("IN", "NIN"):
        if not isinstance(value, list):
            raise bad_request(f"{operator} needs an array value for {field.name}")
        return [_typed(field, item) for item in value]
    return [_typed(field, value)]


def _typed(field: Field, value: Any) -> Any:
    """Values must match the field's type; numeric strings pass for numbers (docs examples)."""
    if value is None:
        return None
    if field.kind in ("integer", "date"):
        return _number(field, value, int)
    if field.kind == "float":
        return _number(field, value, float)
    if field.kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise bad_request(f"{field.name} accepts a boolean, got {value!r}")
    return str(value)


def _number(field: Field, value: Any, kind: type) -> Any:
    if isinstance(value, bool):
        raise bad_request(f"{field.name} accepts a number, got {value!r}")
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise bad_request(f"{field.name} accepts a number, got {value!r}") from None


def _comparison(field: Field, operator: str, values: list[Any]) -> Callable[[Any], bool]:
    value = values[0]
    if field.many:
        return _many_comparison(operator, values)
    if field.name == "source.body" and operator == "=":
        # "the search will not be performed against the entire value, but instead against every
        # element of the value separately" (spec L11631).
        return lambda actual: value is not None and value.lower() in _tokens(actual)
    table: dict[str, Callable[[Any], bool]] = {
        "=": lambda a: _same(a, value),
        "!=": lambda a: not _same(a, value),
        "IN": lambda a: any(_same(a, v) for v in values),
        "NIN": lambda a: not any(_same(a, v) for v in values),
        "<": lambda a: a is not None and value is not None and a < value,
        "<=": lambda a: a is not None and value is not None and a <= value,
        ">": lambda a: a is not None and value is not None and a > value,
        ">=": lambda a: a is not None and value is not None and a >= value,
        "~": lambda a: a is not None and str(value).lower() in str(a).lower(),
        "!~": lambda a: a is None or str(value).lower() not in str(a).lower(),
        "^": lambda a: a is not None and str(a).lower().startswith(str(value).lower()),
        "$": lambda a: a is not None and str(a).lower().endswith(str(value).lower()),
    }
    return table[operator]


def _many_comparison(operator: str, values: list[Any]) -> Callable[[Any], bool]:
    wanted = {str(v) for v in values}
    if operator in ("=", "IN"):
        return lambda actual: bool(wanted & {str(a) for a in actual or ()})
    return lambda actual: not wanted & {str(a) for a in actual or ()}


def _same(actual: Any, value: Any) -> bool:
    if actual is None or value is None:
        return actual is None and value is None
    if isinstance(actual, bool) or isinstance(value, bool):
        return actual is value
    return str(actual) == str(value)


def _tokens(text: Any) -> set[str]:
    words = to_plaintext(str(text or "")).lower().split()
    return {word.strip(".,!?;:()\"'") for word in words}


def _day_predicate(field: Field, operator: str, value: int | None, ws: Workspace) -> Predicate:
    if value is None:
        raise bad_request(f"{field.name} needs a timestamp value")
    start, end = day_start(value, ws.zone), next_day_start(value, ws.zone)
    get = field.get

    def matches(item: Any) -> bool:
        actual = get(item)
        if actual is None:
            return False
        if operator == "=":
            return bool(start <= actual < end)
        if operator == ">":
            return bool(actual >= end)
        return bool(actual < start)

    return matches


@dataclass(frozen=True)
class Sort:
    field: Field
    descending: bool


def parse_sort(sort: Any, ctx: SearchContext, default_field: str = "updated_at") -> Sort:
    """Explicit sort {field, order}; 2.16 contacts reject an unknown order (spec L8872-8878)."""
    if sort is None:
        sort = {"field": default_field, "order": "descending"}
    if not isinstance(sort, dict):
        raise bad_request("sort must be an object with field and order")
    field = resolve_field(ctx.ws, ctx.model, str(sort.get("field", default_field)), ctx.version)
    if field is None:
        raise bad_request(f"cannot sort by {sort.get('field')!r}")
    order = sort.get("order", "descending")
    if order not in SORT_ORDERS:
        if ctx.model == "contact" and ctx.version == "2.16":
            message = f"Invalid sort order '{order}'. Must be one of: ascending, descending"
            raise ApiError(400, "invalid_sort_order", message)
        order = "descending"
    return Sort(field, descending=order == "descending")
