"""Hostile values: a record PostgreSQL would refuse is set aside, the rest loads.

Each case runs `target-supabase` as a process on Singer lines, against the real PostgreSQL, and
checks what a user sees: the exit status, the state lines printed, the rows in the table, the
rows in `intercom_rejected_records` and the sync log. Where a bad record once failed every run
("poison"), the same input is run a second time and must succeed again.
"""

from __future__ import annotations

import contextlib
import json
import random
import string
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from target_supabase.tables.names import fit_identifier

from target.support import (
    Finished,
    columns,
    fetch,
    record,
    run_process,
    schema_message,
    state,
    sync_logs,
    tables,
)

THINGS = schema_message(
    "things",
    {
        "id": {"type": "string"},
        "at": {"type": ["null", "string"], "format": "date-time"},
        "day": {"type": ["null", "string"], "format": "date"},
        "count": {"type": ["null", "integer"]},
        "amount": {"type": ["null", "number"]},
        "data": {"type": ["null", "object"]},
        "name": {"type": ["null", "string"]},
    },
    keys=["id"],
)
# The key may be null by its schema: only the target's own check stands in the way.
NULLABLE_KEY = schema_message(
    "things", {"id": {"type": ["null", "string"]}, "name": {"type": ["null", "string"]}}, ["id"]
)
STATE = state({"bookmarks": {"things": {"replication_key_value": "3"}}})


def good(thing_id: str) -> dict[str, Any]:
    return record("things", id=thing_id, at="2024-01-01T10:00:00Z", count=1, name=f"n{thing_id}")


def raw_record(stream: str, record_json: str) -> str:
    """A RECORD line written by hand: for values `json.dumps` cannot write."""
    return f'{{"type": "RECORD", "stream": "{stream}", "record": {record_json}}}'


def with_bad(
    bad: dict[str, Any] | str, schema: dict[str, Any] = THINGS
) -> list[dict[str, Any] | str]:
    """Good record 1, the bad one (id 2), good record 3, then a STATE."""
    first, last = (record("things", id=k, name=f"n{k}") for k in "13")
    if schema is THINGS:
        first, last = good("1"), good("3")
    return [schema, first, bad, last, STATE]


def run(config: dict[str, Any], messages: list[Any], tmp_path: Path) -> Finished:
    return run_process(config, messages, tmp_path)


def execute(url: str, statement: str) -> None:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(statement)
        conn.commit()


def ids(url: str, table: str = "intercom_things") -> list[str]:
    return [row[0] for row in fetch(url, f'SELECT id FROM "{table}" ORDER BY id')]


def rejected(url: str) -> list[tuple[str, Any, str]]:
    query = "SELECT stream, record::text, error FROM intercom_rejected_records ORDER BY id"
    return [(stream, json_value(text), error) for stream, text, error in fetch(url, query)]


def json_value(text: str) -> Any:
    """JSON text as Python values; integers too long for Python to read stay text."""
    return json.loads(text, parse_int=lambda digits: int(digits) if len(digits) < 4300 else digits)


def assert_set_aside(done: Finished, url: str, error_part: str, runs: int = 1) -> Any:
    """The run succeeded, printed its state, loaded records 1 and 3 and set record 2 aside with
    a reason containing `error_part`; returns the rejected record as stored."""
    assert done.returncode == 0, done.stderr
    assert done.states == [STATE["value"]]
    assert ids(url) == ["1", "3"]
    found = rejected(url)
    assert len(found) == runs
    stream, stored, error = found[-1]
    assert stream == "things"
    assert error_part in error
    assert f"Rejected a record of stream things: {error}" in done.stderr
    log = sync_logs(url)[-1]
    assert (log["status"], log["rejected_records"]) == ("success", 1)
    assert log["records_by_stream"] == {"things": 2}
    assert log["state"] == STATE["value"]
    return stored


def assert_poison_free(
    config: dict[str, Any], messages: list[Any], tmp_path: Path, url: str, error_part: str
) -> Any:
    """Set aside on the first run, and again on a second run of the same input."""
    stored = assert_set_aside(run(config, messages, tmp_path), url, error_part)
    assert_set_aside(run(config, messages, tmp_path), url, error_part, runs=2)
    return stored


# --- date-times PostgreSQL does not take ---


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("at", "2024-01-01T10", id="hour-only"),
        pytest.param("at", "2024-W01-1", id="iso-week"),
        pytest.param("at", "0000-01-01T00:00:00Z", id="year-0"),
        pytest.param("at", "10000-01-01T00:00:00Z", id="year-10000"),
        pytest.param("at", "2024-01-01T10:00:00+20:00", id="offset-beyond-15h59"),
        pytest.param("at", "2024-01-01T10:00:00,5Z", id="comma-fraction"),
        pytest.param("at", "\u0662\u0660\u0662\u0664-01-01", id="arabic-indic-digits"),
        pytest.param("day", "2024-W01-1", id="date-iso-week"),
        pytest.param("day", "20240101T10", id="date-compact-with-hour"),
    ],
)
def test_a_date_time_postgresql_refuses_is_set_aside_and_the_rest_loads(
    target_config: dict[str, Any], database_url: str, tmp_path: Path, field: str, value: str
) -> None:
    bad = record("things", id="2", **{field: value})
    stored = assert_poison_free(
        target_config, with_bad(bad), tmp_path, database_url, f'is not a "{field_format(field)}"'
    )
    assert stored == {"id": "2", field: value}


def field_format(field: str) -> str:
    return "date-time" if field == "at" else "date"


def test_date_times_postgresql_takes_all_load(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    accepted = {
        "4": "2024-01-01 10:00:00",
        "5": "2024-01-01T10:00Z",
        "6": "2024-01-01T10:00:00.123456789+15:59",
        "7": "2024-01-01t10:00:00z",
        "8": "2016-12-31T23:59:60Z",
        "9": "2024-01-01T10:00:00-0530",
    }
    messages = [THINGS, *(record("things", id=k, at=v) for k, v in accepted.items()), STATE]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.states == [STATE["value"]]
    assert ids(database_url) == list(accepted)
    assert rejected(database_url) == []


# --- numbers ---


@pytest.mark.parametrize(
    ("record_json", "error_part"),
    [
        pytest.param('{"id": "2", "count": 9223372036854775808}', "greater than", id="bigint+1"),
        pytest.param('{"id": "2", "count": -9223372036854775809}', "less than", id="bigint-1"),
        pytest.param(
            '{"id": "2", "count": 1' + "0" * 5000 + "}", "too long to print", id="5000-digits"
        ),
        pytest.param('{"id": "2", "count": 1e300}', "greater than", id="integer-1e300"),
    ],
)
def test_an_integer_beyond_bigint_is_set_aside(
    target_config: dict[str, Any],
    database_url: str,
    tmp_path: Path,
    record_json: str,
    error_part: str,
) -> None:
    bad = raw_record("things", record_json)
    assert_poison_free(target_config, with_bad(bad), tmp_path, database_url, error_part)


@pytest.mark.parametrize(
    ("number", "stored_as_text"),
    [
        pytest.param("1e131072", "1E+131072", id="too-many-digits-before-the-point"),
        pytest.param("1e-16384", "1E-16384", id="too-many-digits-after-the-point"),
    ],
)
def test_a_number_beyond_numeric_is_set_aside_and_its_rejection_stored(
    target_config: dict[str, Any],
    database_url: str,
    tmp_path: Path,
    number: str,
    stored_as_text: str,
) -> None:
    bad = raw_record("things", f'{{"id": "2", "amount": {number}}}')
    stored = assert_poison_free(
        target_config, with_bad(bad), tmp_path, database_url, "beyond PostgreSQL's numeric range"
    )
    # jsonb cannot hold the number either: the record is kept as its JSON text.
    assert isinstance(stored, str)
    assert json.loads(stored, parse_float=str) == {"id": "2", "amount": stored_as_text}


def test_a_number_beyond_numeric_inside_a_json_value_is_set_aside(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    # No pre-check looks inside JSON values: PostgreSQL's refusal finds the row.
    bad = raw_record("things", '{"id": "2", "data": {"deep": [1, 1e200000]}}')
    stored = assert_poison_free(
        target_config, with_bad(bad), tmp_path, database_url, "value overflows numeric format"
    )
    assert json.loads(stored, parse_float=str) == {"id": "2", "data": {"deep": [1, "1E+200000"]}}


def test_numbers_numeric_holds_load_with_all_their_digits(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    huge = "1" + "0" * 5000  # more digits than Python converts by default
    messages = [
        THINGS,
        raw_record("things", f'{{"id": "1", "amount": {huge}, "data": {{"x": {huge}}}}}'),
        raw_record("things", '{"id": "2", "amount": 1e-16383, "data": {"x": 0.1}}'),
        STATE,
    ]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 0, done.stderr
    rows = fetch(
        database_url,
        "SELECT id, amount::text, data->>'x' FROM intercom_things ORDER BY id",
    )
    assert rows[0] == ("1", huge, huge)
    assert rows[1][0] == "2"
    assert rows[1][1] == "0." + "0" * 16382 + "1"
    assert rows[1][2] == "0.1"
    assert rejected(database_url) == []


@pytest.mark.parametrize(
    ("record_json", "error_part"),
    [
        pytest.param('{"id": "2", "amount": NaN}', "NaN is not a JSON number", id="nan"),
        pytest.param('{"id": "2", "amount": Infinity}', "Infinity is not", id="infinity"),
        pytest.param('{"id": "2", "data": {"x": -Infinity}}', "-Infinity is not", id="in-json"),
        pytest.param('{"id": "2", "name": "x", "count": NaN}', "NaN is not", id="in-integer"),
    ],
)
def test_nan_and_infinity_are_set_aside_not_stored_as_null(
    target_config: dict[str, Any],
    database_url: str,
    tmp_path: Path,
    record_json: str,
    error_part: str,
) -> None:
    stored = assert_poison_free(
        target_config,
        with_bad(raw_record("things", record_json)),
        tmp_path,
        database_url,
        error_part,
    )
    assert stored == record_json  # the record's text, as the tap wrote it
    assert fetch(database_url, "SELECT count(*) FROM intercom_things WHERE id = '2'") == [(0,)]


# --- NUL characters ---


def test_a_nul_in_a_key_value_is_set_aside(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    # Removing the NUL would make "2\0" the key "2": another record's row.
    bad = record("things", id="2\u0000", name="x")
    stored = assert_poison_free(
        target_config, with_bad(bad), tmp_path, database_url, "key property 'id' holds a NUL"
    )
    assert stored == {"id": "2", "name": "x"}  # NULs are removed from the stored record


def test_a_nul_in_a_json_object_key_is_set_aside(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    # Removing it would merge {"a\0": 1, "a": 2} into one key: the record is kept whole instead.
    bad = record("things", id="2", data={"a\u0000": 1, "a": 2})
    stored = assert_poison_free(
        target_config, with_bad(bad), tmp_path, database_url, "JSON object key 'a\\x00' holds"
    )
    assert json.loads(stored) == {"id": "2", "data": {"a\u0000": 1, "a": 2}}


def test_nuls_in_plain_values_are_removed_and_counted(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    messages = [THINGS, record("things", id="1", name="a\u0000b", data={"k": "c\u0000d"}), STATE]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.states == [STATE["value"]]
    assert fetch(database_url, "SELECT name, data FROM intercom_things") == [("ab", {"k": "cd"})]
    assert rejected(database_url) == []
    assert sync_logs(database_url)[0]["nul_characters_removed"] == 2


# --- keys ---


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        pytest.param(record("things", id=None, name="x"), "key property 'id' is null", id="null"),
        pytest.param(record("things", name="x"), "key property 'id' is missing", id="missing"),
    ],
)
def test_a_record_without_its_key_is_set_aside(
    target_config: dict[str, Any],
    database_url: str,
    tmp_path: Path,
    bad: dict[str, Any],
    error: str,
) -> None:
    messages = with_bad(bad, NULLABLE_KEY)
    stored = assert_poison_free(target_config, messages, tmp_path, database_url, error)
    assert stored == bad["record"]


def test_a_null_key_that_its_schema_forbids_is_set_aside(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    bad = record("things", id=None, name="x")
    error = 'id: null is not of type "string"'
    stored = assert_poison_free(target_config, with_bad(bad), tmp_path, database_url, error)
    assert stored == bad["record"]


def test_a_record_without_its_key_stops_the_run_with_fail_naming_the_stream(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    config = {**target_config, "on_invalid_record": "fail"}
    done = run(config, with_bad(record("things", id=None), NULLABLE_KEY), tmp_path)
    assert done.returncode == 1
    assert done.states == []
    assert "A record of stream 'things' cannot be stored: key property 'id' is null" in done.stderr
    assert ids(database_url) == []
    assert rejected(database_url) == []
    assert sync_logs(database_url)[0]["status"] == "failed"


def test_a_key_too_long_for_its_index_is_set_aside(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    # A btree entry holds at most 2704 bytes; random text does not compress below that.
    long_key = "".join(random.Random(13).choices(string.ascii_letters, k=20000))
    bad = record("things", id=long_key)
    messages = [THINGS, good("1"), bad, good("3"), STATE]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.states == [STATE["value"]]
    assert ids(database_url) == ["1", "3"]
    [(stream, stored, error)] = rejected(database_url)
    assert (stream, stored["id"]) == ("things", long_key)
    assert error.startswith("PostgreSQL refused the row: index row requires")


# --- nesting ---


def test_a_value_nested_thousands_of_levels_deep_is_set_aside(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    deep = '{"id": "2", "data": {"x": ' + "[" * 5000 + "]" * 5000 + "}}"
    stored = assert_poison_free(
        target_config,
        with_bad(raw_record("things", deep)),
        tmp_path,
        database_url,
        "nested too deep",
    )
    assert stored == deep


def test_a_value_nested_hundreds_of_levels_deep_loads_intact(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    nested = "[" * 300 + "1" + "]" * 300
    messages = [THINGS, raw_record("things", f'{{"id": "1", "data": {{"x": {nested}}}}}'), STATE]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 0, done.stderr
    assert fetch(database_url, "SELECT data->>'x' FROM intercom_things") == [(nested,)]
    assert rejected(database_url) == []


# --- what only PostgreSQL knows: its refusals isolate the rows ---


def test_rows_refused_by_a_constraint_are_set_aside_one_by_one(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    # A user's own CHECK constraint: the target cannot know it, PostgreSQL enforces it.
    done = run(target_config, [THINGS, good("0"), STATE], tmp_path)
    assert done.returncode == 0, done.stderr
    execute(database_url, "ALTER TABLE intercom_things ADD CHECK (name <> 'forbidden')")
    messages: list[Any] = [THINGS]
    for n in range(1, 41):
        name = "forbidden" if n % 7 == 0 else f"n{n}"
        messages.append(record("things", id=f"{n:02d}", name=name, count=n))
    messages.append(STATE)
    config = {**target_config, "batch_size_rows": 1000}
    done = run(config, messages, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.states == [STATE["value"]]
    refused = [f"{n:02d}" for n in range(1, 41) if n % 7 == 0]
    assert ids(database_url) == ["0"] + [f"{n:02d}" for n in range(1, 41) if n % 7 != 0]
    found = rejected(database_url)
    assert sorted(row[1]["id"] for row in found) == refused
    assert found[0][1] == {"id": "07", "name": "forbidden", "count": 7}
    assert all('violates check constraint "intercom_things_name_check"' in r[2] for r in found)
    log = sync_logs(database_url)[-1]
    assert (log["status"], log["rejected_records"]) == ("success", len(refused))
    assert log["records_by_stream"] == {"things": 40 - len(refused)}


def test_without_validation_postgresql_refusals_still_set_records_aside(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    config = {**target_config, "validate_records": False}
    messages = [
        THINGS,
        good("1"),
        record("things", id="2", at="2024-W01-1"),
        record("things", id="3", count="three"),
        record("things", id="4", at="2024-01-01T10:00:00+20:00"),
        good("5"),
        STATE,
    ]
    done = run(config, messages, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.states == [STATE["value"]]
    assert ids(database_url) == ["1", "5"]
    found = {row[1]["id"]: row[2] for row in rejected(database_url)}
    assert found == {
        "2": "PostgreSQL refused the row: invalid input syntax for type timestamp with time "
        'zone: "2024-W01-1" (column at)',
        "3": "three is not an integer that PostgreSQL's bigint holds",
        "4": "PostgreSQL refused the row: time zone displacement out of range: "
        '"2024-01-01T10:00:00+20:00" (column at)',
    }


def test_with_fail_a_postgresql_refusal_stops_the_run(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    config = {**target_config, "validate_records": False, "on_invalid_record": "fail"}
    done = run(config, with_bad(record("things", id="2", at="2024-W01-1")), tmp_path)
    assert done.returncode == 1
    assert done.states == []
    assert "Database error while loading intercom_things: invalid input syntax" in done.stderr
    assert ids(database_url) == []
    assert rejected(database_url) == []


def test_the_rejected_records_table_takes_a_record_jsonb_cannot_hold(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    # Rejected for its schema; its number is beyond numeric, so jsonb cannot hold the record.
    bad = raw_record("things", '{"id": "2", "count": "two", "data": {"x": 1e200000}}')
    stored = assert_poison_free(
        target_config, with_bad(bad), tmp_path, database_url, 'count: "two" is not of type'
    )
    assert json.loads(stored, parse_float=str) == {
        "id": "2",
        "count": "two",
        "data": {"x": "1E+200000"},
    }


# --- STATE ---


def test_a_state_with_nul_characters_is_stored_and_emitted_faithfully(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    value = {"bookmarks": {"things": {"cursor": "a\u0000b", "k\u0000": 1}}}
    messages = [THINGS, good("1"), state(value), good("2"), STATE]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.states == [value, STATE["value"]]
    assert '"a\\u0000b"' in done.stdout
    assert ids(database_url) == ["1", "2"]
    # The checkpoint's row held the state as JSON text; the final state is plain jsonb again.
    log = sync_logs(database_url)[0]
    assert (log["status"], log["state"]) == ("success", STATE["value"])
    done = run(target_config, [THINGS, good("3"), state(value)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.states == [value]
    stored = sync_logs(database_url)[1]["state"]
    assert isinstance(stored, str)
    assert json.loads(stored) == value


def test_a_state_with_exact_decimals_and_nan_is_emitted_as_written(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    line = (
        '{"type": "STATE", "value": {"bookmarks": {"things": '
        '{"position": 0.1000000000000000055511151231257827, "ratio": NaN}}}}'
    )
    done = run(target_config, [THINGS, good("1"), line], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "0.1000000000000000055511151231257827" in done.stdout
    assert '"ratio": NaN' in done.stdout
    assert ids(database_url) == ["1"]
    stored = sync_logs(database_url)[0]["state"]
    assert isinstance(stored, str)
    assert "NaN" in stored


# --- names ---


def test_property_names_postgresql_cannot_hold_get_unique_columns(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    long_one, long_two = "p" * 70 + "_one", "p" * 70 + "_two"
    names = ["with\u0000nul", "withnul", "", long_one, long_two]
    properties = {"id": {"type": "string"}, **{name: {"type": "string"} for name in names}}
    values = {name: f"v{k}" for k, name in enumerate(names)}
    messages = [schema_message("odd", properties, keys=["id"]), record("odd", id="1", **values)]
    done = run(target_config, [*messages, STATE], tmp_path)
    assert done.returncode == 0, done.stderr
    mapped = [fit_identifier(name) for name in names]
    assert mapped[1] == "withnul"
    assert mapped[0].startswith("withnul_")
    assert mapped[2] != ""
    assert len(set(mapped)) == len(mapped)
    assert all(0 < len(name.encode()) <= 63 and "\u0000" not in name for name in mapped)
    assert set(columns(database_url, "intercom_odd")) >= {"id", *mapped}
    selected = ", ".join(f'"{name}"' for name in mapped)
    assert fetch(database_url, f"SELECT {selected} FROM intercom_odd") == [
        tuple(values[name] for name in names)
    ]


def test_a_property_named_like_another_ones_mapped_column_is_refused_clearly(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    long_name = "q" * 80
    clash = fit_identifier(long_name)  # a valid name, used as it is
    properties = {
        "id": {"type": "string"},
        long_name: {"type": "string"},
        clash: {"type": "string"},
    }
    messages = [schema_message("clash", properties, keys=["id"]), record("clash", id="1")]
    done = run(target_config, [*messages, STATE], tmp_path)
    assert done.returncode == 1
    assert done.states == []
    assert f"would both be stored in column '{clash}'" in done.stderr
    assert "Stream 'clash'" in done.stderr
    assert "intercom_clash" not in tables(database_url)


@pytest.mark.parametrize(
    ("stream", "prefix", "why"),
    [
        pytest.param("bad\u0000stream", "intercom_", "holding a NUL character", id="nul"),
        pytest.param("", "", "empty", id="empty"),
    ],
)
def test_a_stream_whose_table_name_postgresql_cannot_hold_is_refused_clearly(
    target_config: dict[str, Any],
    database_url: str,
    tmp_path: Path,
    stream: str,
    prefix: str,
    why: str,
) -> None:
    config = {**target_config, "table_prefix": prefix}
    messages = [THINGS, good("1"), schema_message(stream, {"id": {"type": "string"}}, ["id"])]
    done = run(config, [*messages, record(stream, id="1"), STATE], tmp_path)
    assert done.returncode == 1
    assert done.states == []
    assert f"Stream {stream!r} cannot be loaded" in done.stderr
    assert why in done.stderr
    assert "`table_names` setting" in done.stderr
    assert tables(database_url) == {f"{prefix}{name}" for name in ("things", "sync_logs")} | {
        f"{prefix}rejected_records",
        f"{prefix}webhook_events",
        f"{prefix}id_snapshots",
    }
    log = sync_logs(database_url, f"{prefix}sync_logs")[0]
    assert log["status"] == "failed"
    assert "cannot be loaded" in log["error_message"]


def test_a_deletion_postgresql_refuses_is_set_aside_and_the_others_apply(
    target_config: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    soft_deletes = {"gone": {"target_stream": "things", "keys": ["id"]}}
    config = {**target_config, "soft_deletes": soft_deletes, "validate_records": False}
    gone = schema_message(
        "gone",
        {"id": {"type": "string"}, "deleted_at": {"type": "string", "format": "date-time"}},
        keys=["id"],
    )
    messages = [THINGS, good("1"), good("2"), good("3"), gone]
    messages += [
        record("gone", id="1", deleted_at="2024-01-01T10:00:00Z"),
        record("gone", id="2", deleted_at="2024-01-01T10:00:00+20:00"),
        record("gone", id="3", deleted_at="2024-01-02T10:00:00Z"),
        STATE,
    ]
    for runs in (1, 2):
        done = run(config, messages, tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.states == [STATE["value"]]
        marked = fetch(database_url, "SELECT id, deleted_at IS NOT NULL FROM intercom_things")
        assert sorted(marked) == [("1", True), ("2", False), ("3", True)]
        found = rejected(database_url)
        assert len(found) == runs
        stream, stored, error = found[-1]
        assert (stream, stored["id"]) == ("gone", "2")
        assert error.startswith("PostgreSQL refused the row: time zone displacement out of range")
