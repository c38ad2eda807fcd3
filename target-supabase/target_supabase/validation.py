"""Record validation with a compiled validator (jsonschema-rs).

Validation is the main per-record cost of SDK targets (the SDK's default is the pure-Python
`jsonschema` package). Of the string formats only `date-time` and `date` are checked: they
are the ones PostgreSQL would refuse at load time; others (`email`, `uri`...) say nothing
about whether a row can be stored.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from typing import Any

import jsonschema_rs
from singer_sdk.exceptions import InvalidJSONSchema, InvalidRecord
from singer_sdk.sinks.core import BaseJSONSchemaValidator

from target_supabase.column_types import sql_type

_FRACTION = re.compile(r"\.(\d+)")


def _parses(parse: Callable[[str], object]) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        # Python 3.10's fromisoformat reads neither a trailing "Z" nor fractions of other than
        # 3 or 6 digits; PostgreSQL reads both.
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text)
        try:
            parse(text)
        except ValueError:
            return False
        return True

    return check


# ISO 8601 as PostgreSQL reads it (a date-time without an offset is accepted, as in PostgreSQL),
# rather than strict RFC 3339. Only the formats of timestamptz and date columns are checked.
FORMAT_CHECKS = {
    "date-time": _parses(datetime.datetime.fromisoformat),
    "date": _parses(datetime.date.fromisoformat),
}
CHECKED_FORMATS = set(FORMAT_CHECKS)
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


class FastValidator(BaseJSONSchemaValidator):
    """Validates records; raises the SDK's InvalidRecord with a readable message."""

    def __init__(self, schema: dict[str, Any]) -> None:
        super().__init__(schema)
        checked = with_bigint_bounds(without_unchecked_formats(schema))
        try:
            # Two validators: RFC 3339 dates checked in Rust (fast, what taps send), and, for
            # records that fail it, ISO 8601 as PostgreSQL reads it, checked in Python.
            self._strict = jsonschema_rs.validator_for(
                without_year_zero(checked), validate_formats=True
            )
            self._lenient = jsonschema_rs.validator_for(
                checked, validate_formats=True, formats=FORMAT_CHECKS
            )
        except (ValueError, jsonschema_rs.ValidationError) as exc:
            msg = f"Schema Validation Error: {exc}"
            raise InvalidJSONSchema(msg) from exc

    def validate(self, record: dict[str, Any]) -> None:
        if self._strict.is_valid(record) or self._lenient.is_valid(record):
            return
        error = next(self._lenient.iter_errors(record))
        path = "/".join(str(part) for part in error.instance_path)
        raise InvalidRecord(f"{path}: {error.message}" if path else error.message, record)


def without_year_zero(schema: Any) -> Any:
    """RFC 3339 allows year 0000; PostgreSQL does not: dates of year 0 fail the strict check."""
    if isinstance(schema, Mapping):
        found = {key: without_year_zero(value) for key, value in schema.items()}
        if found.get("format") in CHECKED_FORMATS:
            found["allOf"] = [*found.get("allOf", []), {"pattern": "^(?!0000)"}]
        return found
    if isinstance(schema, list):
        return [without_year_zero(item) for item in schema]
    return schema


def without_unchecked_formats(schema: Any) -> Any:
    """A copy of `schema` keeping only the `format` keywords we check."""
    if isinstance(schema, Mapping):
        return {
            key: without_unchecked_formats(value)
            for key, value in schema.items()
            if not (key == "format" and value not in CHECKED_FORMATS and isinstance(value, str))
        }
    if isinstance(schema, list):
        return [without_unchecked_formats(item) for item in schema]
    return schema


def with_bigint_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with the range of PostgreSQL's bigint on the properties stored as bigint, so that
    an out-of-range integer is a rejected record rather than a failed batch."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return schema
    bounded = {
        name: {"minimum": BIGINT_MIN, "maximum": BIGINT_MAX, **prop}
        if isinstance(prop, Mapping) and sql_type(prop) == "bigint"
        else prop
        for name, prop in properties.items()
    }
    return {**schema, "properties": bounded}
