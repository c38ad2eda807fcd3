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

from target_supabase.tables.column_types import sql_type

# ISO 8601 as PostgreSQL 15 reads it into timestamptz, in the forms taps write: a date, then
# optionally `T`, `t` or a space and hh:mm[:ss[.fraction]], then optionally `Z`, `z` or an
# offset ±hh[[:]mm]. Python's fromisoformat is no guide: since 3.11 it also takes forms that
# PostgreSQL refuses ("2024-01-01T10", ISO weeks "2024-W01-1", a "," before the fraction).
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-](\d{2})(?::?(\d{2}))?)?)?",
    re.ASCII,
)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
# PostgreSQL's limit on a time zone offset ("time zone displacement out of range" beyond it).
MAX_OFFSET_HOURS = 15


def is_date_time(text: str) -> bool:
    """True for a date-time PostgreSQL stores in timestamptz as written (years 1 to 9999)."""
    match = _DATE_TIME.fullmatch(text)
    if match is None or not _is_date(*match.groups()[:3]):
        return False
    hour, minute, second, offset_hours, offset_minutes = match.groups()[3:]
    if hour is None:
        return True
    # A 60th second is a leap second; PostgreSQL carries it into the next minute.
    clock = int(hour) <= 23 and int(minute) <= 59 and int(second or 0) <= 60
    offset = int(offset_hours or 0) <= MAX_OFFSET_HOURS and int(offset_minutes or 0) <= 59
    return clock and offset


def is_date(text: str) -> bool:
    match = _DATE.fullmatch(text)
    return match is not None and _is_date(*match.groups())


def _is_date(year: str, month: str, day: str) -> bool:
    try:
        datetime.date(int(year), int(month), int(day))  # year 0 is out of range, as in PostgreSQL
    except ValueError:
        return False
    return True


FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {"date-time": is_date_time, "date": is_date}
CHECKED_FORMATS = set(FORMAT_CHECKS)
# For the RFC 3339 check: no year 0 and no offset beyond ±15:59, both of which RFC 3339 allows.
_POSTGRESQL_LIMITS = {"pattern": r"^(?!0000)(?![^Tt ]*[Tt ].*[+-](?:1[6-9]|2\d):\d\d$)"}
UNPRINTABLE_MISMATCH = "a value does not match the schema (a number too long to print in full)"
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
                with_postgresql_limits(checked), validate_formats=True
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
        try:
            error = next(self._lenient.iter_errors(record))
        except ValueError:  # an integer of more than 4300 digits, which Python does not print
            raise InvalidRecord(UNPRINTABLE_MISMATCH, record) from None
        path = "/".join(str(part) for part in error.instance_path)
        raise InvalidRecord(f"{path}: {error.message}" if path else error.message, record)


def with_postgresql_limits(schema: Any) -> Any:
    """RFC 3339 allows year 0000 and offsets up to ±23:59; PostgreSQL does not: such dates fail
    the strict check (and then the lenient one)."""
    if isinstance(schema, Mapping):
        found = {key: with_postgresql_limits(value) for key, value in schema.items()}
        if found.get("format") in CHECKED_FORMATS:
            found["allOf"] = [*found.get("allOf", []), _POSTGRESQL_LIMITS]
        return found
    if isinstance(schema, list):
        return [with_postgresql_limits(item) for item in schema]
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
