"""JSON Schema → PostgreSQL column types: one table, and the rules for widening a column."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# (JSON Schema type, format or array item type) → PostgreSQL type. Mirrored in docs/tables.md.
TYPE_TABLE: dict[tuple[str, str | None], str] = {
    ("string", None): "text",
    ("string", "date-time"): "timestamptz",
    ("string", "date"): "date",
    ("integer", None): "bigint",
    ("number", None): "numeric",
    ("boolean", None): "boolean",
    ("object", None): "jsonb",
    ("array", "string"): "text[]",
    ("array", None): "jsonb",
}
FALLBACK_TYPE = "jsonb"

# Families in which differing alternatives (anyOf, type lists) still share one column type.
_COMMON_TYPE = {
    frozenset({"bigint", "numeric"}): "numeric",
    frozenset({"text", "timestamptz"}): "text",
    frozenset({"text", "date"}): "text",
    frozenset({"text", "date", "timestamptz"}): "text",
}

# Column type changes done in place, with the USING expression that converts existing values.
_SAFE_WIDENINGS: dict[tuple[str, str], str] = {
    ("bigint", "numeric"): "{col}::numeric",
}


def sql_type(prop: Mapping[str, Any]) -> str:
    """The column type for one property schema."""
    alternatives = prop.get("anyOf") or prop.get("oneOf")
    if alternatives:
        return _common_type({sql_type(alt) for alt in alternatives if not _is_null(alt)})
    types = prop.get("type")
    names = [types] if isinstance(types, str) else list(types or [])
    names = [name for name in names if name != "null"]
    if len(names) != 1:
        return _common_type({sql_type({**prop, "type": name}) for name in names})
    return _single_type(names[0], prop)


def _single_type(name: str, prop: Mapping[str, Any]) -> str:
    if name == "array":
        items = prop.get("items") or {}
        item_type = sql_type(items) if isinstance(items, Mapping) and items else None
        return TYPE_TABLE[("array", "string" if item_type == "text" else None)]
    detail = prop.get("format") if name == "string" else None
    return TYPE_TABLE.get((name, detail)) or TYPE_TABLE.get((name, None)) or FALLBACK_TYPE


def _is_null(prop: Mapping[str, Any]) -> bool:
    return prop.get("type") == "null"


def _common_type(found: set[str]) -> str:
    if len(found) == 1:
        return found.pop()
    return _COMMON_TYPE.get(frozenset(found), FALLBACK_TYPE)


def can_store(column_type: str, wanted: str) -> bool:
    """True when values of type `wanted` can go into an existing `column_type` column as is."""
    return (
        column_type == wanted
        or column_type in ("jsonb", "json")
        or (column_type, wanted)
        in {
            ("numeric", "bigint"),
            ("text", "timestamptz"),
            ("text", "date"),
        }
    )


def widening_using(column_type: str, wanted: str) -> str | None:
    """The USING expression (with `{col}`) that widens `column_type` to `wanted`, or None when
    that change is not safe."""
    if wanted == "jsonb":
        return "to_jsonb({col})"
    return _SAFE_WIDENINGS.get((column_type, wanted))
