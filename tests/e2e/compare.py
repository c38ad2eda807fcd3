"""Compare the loaded tables with the expected rows, row by row and column by column."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from e2e.expected import Key, Row, TableExpectation, expected_tables
from e2e.tables import count_rows, fetch_rows, table_columns

MAX_REPORTED = 8
REJECTED_TABLE = "intercom_rejected_records"


def table_differences(database_url: str, expected: TableExpectation) -> list[str]:
    """Human-readable differences between one table and its expectation; [] when exact."""
    present = set(table_columns(database_url, expected.table))
    if not present:
        return [f"{expected.table}: table missing"]
    missing_columns = [name for name in expected.columns if name not in present]
    problems = [f"{expected.table}: column {name!r} missing" for name in missing_columns]
    actual = _rows_by_key(database_url, expected)
    problems += _key_differences(expected, actual)
    problems += _value_differences(expected, actual)
    return problems


def all_differences(database_url: str, truth: Any) -> list[str]:
    problems: list[str] = []
    for expected in expected_tables(truth):
        problems += table_differences(database_url, expected)
    return problems + rejected_record_problems(database_url)


def rejected_record_problems(database_url: str) -> list[str]:
    """Our tap's records always match its own schemas: any rejection is a bug."""
    if not table_columns(database_url, REJECTED_TABLE):
        return []
    rows = count_rows(database_url, REJECTED_TABLE)
    return [f"{REJECTED_TABLE}: {rows} records rejected"] if rows else []


def assert_exact(database_url: str, truth: Any) -> None:
    problems = all_differences(database_url, truth)
    assert not problems, "tables differ from Intercom's truth:\n" + "\n".join(problems)


def _rows_by_key(database_url: str, expected: TableExpectation) -> dict[Key, Row]:
    rows = fetch_rows(database_url, expected.table, expected.columns)
    by_key = {}
    for row in rows:
        if row.get("conversation_id") in expected.ignore_conversations:
            continue
        by_key[tuple(_normalise(row.get(name)) for name in expected.key_columns)] = row
    return by_key


def _key_differences(expected: TableExpectation, actual: dict[Key, Row]) -> list[str]:
    missing = [key for key in expected.rows if key not in actual]
    extra = [key for key in actual if key not in expected.rows and key not in expected.optional]
    problems = []
    if missing:
        problems.append(
            f"{expected.table}: {len(missing)} of {len(expected.rows)} rows missing, "
            f"e.g. {sorted(missing)[:MAX_REPORTED]}"
        )
    if extra:
        problems.append(
            f"{expected.table}: {len(extra)} rows not in Intercom, "
            f"e.g. {sorted(extra)[:MAX_REPORTED]}"
        )
    return problems


def _value_differences(expected: TableExpectation, actual: dict[Key, Row]) -> list[str]:
    problems = []
    wanted = {**expected.optional, **expected.rows}
    for key in sorted(set(wanted) & set(actual)):
        for column, value in wanted[key].items():
            if column not in actual[key]:
                continue  # reported once as a missing column
            got = _normalise(actual[key][column])
            if got != _normalise(value):
                problems.append(
                    f"{expected.table} {key} {column}: expected {_short(value)}, got {_short(got)}"
                )
    if len(problems) > MAX_REPORTED:
        problems = [*problems[:MAX_REPORTED], f"... and {len(problems) - MAX_REPORTED} more"]
    return problems


def _normalise(value: Any) -> Any:
    """Arrays compare as sets (tag order is not part of the contract); numerics as numbers."""
    if isinstance(value, list):
        return sorted((_normalise(item) for item in value), key=repr)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."
