"""Records that do not match their schema: stored and counted, or the run stops."""

from __future__ import annotations

import pytest
from singer_sdk.exceptions import InvalidRecord
from target_supabase.validation import FastValidator

from target.support import fetch, record, run_in_process, schema_message, sync_logs

THINGS = schema_message(
    "things",
    {"id": {"type": "integer"}, "at": {"type": ["null", "string"], "format": "date-time"}},
    keys=["id"],
)


def test_invalid_records_are_stored_and_counted(target_config, database_url) -> None:
    messages = [THINGS, record("things", id=1, at="2024-01-01T00:00:00Z")]
    messages += [record("things", id="two"), record("things", id=3, at="yesterday\u0000")]
    messages.append(record("things", id=2**63))
    run_in_process(target_config, messages)
    assert fetch(database_url, "SELECT id FROM intercom_things") == [(1,)]
    rejected = fetch(
        database_url, "SELECT stream, record, error FROM intercom_rejected_records ORDER BY id"
    )
    assert rejected == [
        ("things", {"id": "two"}, 'id: "two" is not of type "integer"'),
        ("things", {"id": 3, "at": "yesterday"}, 'at: "yesterday\\u0000" is not a "date-time"'),
        ("things", {"id": 2**63}, f"id: {2**63} is greater than the maximum of {2**63 - 1}"),
    ]
    [log] = sync_logs(database_url)
    assert (log["rejected_records"], log["nul_characters_removed"]) == (3, 1)
    assert log["records_by_stream"] == {"things": 1}


def test_on_invalid_record_fail_stops_the_run(target_config, database_url) -> None:
    config = {**target_config, "on_invalid_record": "fail"}
    with pytest.raises(InvalidRecord, match="stream 'things' does not match its schema: id:"):
        run_in_process(config, [THINGS, record("things", id=1), record("things", id="two")])
    assert fetch(database_url, "SELECT count(*) FROM intercom_things") == [(0,)]
    assert fetch(database_url, "SELECT count(*) FROM intercom_rejected_records") == [(0,)]
    [log] = sync_logs(database_url)
    assert log["status"] == "failed"
    assert "does not match its schema" in log["error_message"]


def test_validation_can_be_turned_off(target_config, database_url) -> None:
    config = {**target_config, "validate_records": False}
    run_in_process(config, [THINGS, record("things", id=1, at="2024-01-01 10:00:00+00")])
    assert fetch(database_url, "SELECT count(*) FROM intercom_things") == [(1,)]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        pytest.param("2024-01-01T10:00:00Z", True, id="utc-z"),
        pytest.param("2024-01-01T10:00:00.12345+05:30", True, id="five-digit-fraction"),
        pytest.param("2024-01-01 10:00:00", True, id="space-no-offset"),
        pytest.param("2024-01-01", True, id="date-only"),
        pytest.param("2016-12-31T23:59:60Z", True, id="leap-second"),
        pytest.param("2024-13-01T10:00:00Z", False, id="month-13"),
        pytest.param("0000-01-01T00:00:00Z", False, id="year-zero"),
        pytest.param("yesterday", False, id="words"),
    ],
)
def test_date_times_are_checked_as_postgresql_reads_them(value: str, valid: bool) -> None:
    validator = FastValidator({"properties": {"at": {"type": "string", "format": "date-time"}}})
    if valid:
        validator.validate({"at": value})
    else:
        with pytest.raises(InvalidRecord, match='is not a "date-time"'):
            validator.validate({"at": value})
