"""The type mapping, case by case (mirrored by the table of docs/tables.md), and its round trip."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from target_supabase.tables.column_types import TYPE_TABLE, can_store, sql_type, widening_using

from target.support import columns, fetch, record, run_in_process, schema_message


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        pytest.param({"type": "string"}, "text", id="string"),
        pytest.param({"type": ["null", "string"]}, "text", id="nullable-string"),
        pytest.param({"type": "string", "format": "date-time"}, "timestamptz", id="date-time"),
        pytest.param({"type": "string", "format": "date"}, "date", id="date"),
        pytest.param({"type": "string", "format": "email"}, "text", id="other-format"),
        pytest.param({"type": "integer"}, "bigint", id="integer"),
        pytest.param({"type": "number"}, "numeric", id="number"),
        pytest.param({"type": ["integer", "number", "null"]}, "numeric", id="integer-or-number"),
        pytest.param({"type": "boolean"}, "boolean", id="boolean"),
        pytest.param({"type": "object", "properties": {}}, "jsonb", id="object"),
        pytest.param({"type": "array", "items": {"type": "string"}}, "text[]", id="string-array"),
        pytest.param({"type": "array", "items": {"type": "integer"}}, "jsonb", id="other-array"),
        pytest.param({"type": "array"}, "jsonb", id="array-without-items"),
        pytest.param({"type": ["string", "integer"]}, "jsonb", id="mixed-types"),
        pytest.param({}, "jsonb", id="no-type"),
        pytest.param(
            {"anyOf": [{"type": "string", "format": "date-time"}, {"type": ["string", "null"]}]},
            "text",
            id="anyOf-date-time-or-string",
        ),
        pytest.param(
            {"anyOf": [{"type": "integer"}, {"type": "null"}]}, "bigint", id="anyOf-nullable"
        ),
    ],
)
def test_json_schema_to_column_type(prop: dict[str, Any], expected: str) -> None:
    assert sql_type(prop) == expected


@pytest.mark.parametrize(
    ("column", "wanted", "stored_as_is", "widened_by"),
    [
        pytest.param("bigint", "numeric", False, "{col}::numeric", id="integer-to-number"),
        pytest.param("numeric", "bigint", True, None, id="number-column-takes-integers"),
        pytest.param("text", "jsonb", False, "to_jsonb({col})", id="string-to-json"),
        pytest.param("jsonb", "text", True, None, id="json-column-takes-anything"),
        pytest.param("bigint", "text", False, None, id="integer-to-string-refused"),
        pytest.param("timestamptz", "boolean", False, None, id="timestamp-to-boolean-refused"),
    ],
)
def test_type_changes(column: str, wanted: str, stored_as_is: bool, widened_by: str | None) -> None:
    assert can_store(column, wanted) is stored_as_is
    if not stored_as_is:
        assert widening_using(column, wanted) == widened_by


def test_every_type_round_trips(target_config: dict[str, Any], database_url: str) -> None:
    properties = {
        "id": {"type": "integer"},
        "name": {"type": ["null", "string"]},
        "at": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "amount": {"type": "number"},
        "flag": {"type": "boolean"},
        "meta": {"type": "object"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "parts": {"type": "array", "items": {"type": "object"}},
    }
    values = {
        "id": 9007199254740993,
        "name": "tab\there, newline\nthere, backslash \\, ünïcode, \u00a0 and \u2028\r",
        "at": "2024-02-29T23:59:59.123456+02:00",
        "day": "2024-02-29",
        "amount": 1.10,
        "flag": False,
        "meta": {"nested": {"list": [1, "two", None]}, "quote": '"'},
        "tags": ["a b", 'quote "q"', "back\\slash", "comma,brace}", "NULL", ""],
        "parts": [{"body": "<p>x</p>"}],
    }
    run_in_process(
        target_config,
        [schema_message("things", properties, keys=["id"]), record("things", **values)],
    )
    assert list(columns(database_url, "intercom_things").values()) == [
        "bigint",
        "text",
        "timestamp with time zone",
        "date",
        "numeric",
        "boolean",
        "jsonb",
        "text[]",
        "jsonb",
        "timestamp with time zone",  # _synced_at
    ]
    [row] = fetch(
        database_url,
        "SELECT id, name, at, day, amount, flag, meta, tags, parts FROM intercom_things",
    )
    utc_plus_2 = datetime.timezone(datetime.timedelta(hours=2))
    assert row == (
        values["id"],
        values["name"],
        datetime.datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=utc_plus_2),
        datetime.date(2024, 2, 29),
        Decimal("1.10"),
        False,
        values["meta"],
        values["tags"],
        values["parts"],
    )


def test_the_readme_type_table_mirrors_the_code() -> None:
    readme = (Path(__file__).parents[2] / "target-supabase" / "README.md").read_text()
    table = readme.split("<!-- types:start -->")[1].split("<!-- types:end -->")[0]
    rows = [line.split("|")[1:3] for line in table.strip().splitlines()[2:]]
    documented = {(json_type.strip(), sql.strip().strip("`")) for json_type, sql in rows}
    in_code = {(_describe(kind, detail), sql) for (kind, detail), sql in TYPE_TABLE.items()}
    assert documented == in_code


def _describe(kind: str, detail: str | None) -> str:
    if kind == "array":
        return "`array` of `string`" if detail else "any other `array`"
    return f"`{kind}`, format `{detail}`" if detail else f"`{kind}`"
