"""Scenario 5: malformed Singer input to the target. Each case gives the documented behaviour: a
clear error naming the offending line (or stream), or a row in `intercom_rejected_records` while
the run goes on. Nothing committed before the bad line is lost."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from e2e.pipeline import RunResult, run_pipeline, target_command
from e2e.scenario import DEFAULT_TARGET_SETTINGS, write_json
from e2e.singer_lines import PREFIX_STATE, TEAMS_SCHEMA, as_lines, prefix, suffix, team
from e2e.tables import SUPPORT_TABLES, fetch_rows, sync_logs, table_columns, table_names

BROKEN_JSON = '{"type": "RECORD", "stream": "teams", "record": {"team_id": "9"'


def feed_target(tmp_path: Path, database_url: str, text: str, **settings: Any) -> RunResult:
    """Pipe `text` into target-supabase, as if a tap had written it."""
    source = tmp_path / "input.singer"
    source.write_text(text)
    config = {"database_url": database_url, **DEFAULT_TARGET_SETTINGS, **settings}
    target = target_command(write_json(tmp_path / "target.json", config))
    return run_pipeline(tmp_path / "run", ["cat", str(source)], target, timeout_seconds=120)


def team_ids(database_url: str) -> set[str]:
    return {row["team_id"] for row in fetch_rows(database_url, "intercom_teams", ["team_id"])}


def rejected(database_url: str) -> list[dict[str, Any]]:
    columns = table_columns(database_url, "intercom_rejected_records")
    return fetch_rows(database_url, "intercom_rejected_records", columns)


def assert_prefix_kept(result: RunResult, database_url: str) -> None:
    assert result.states[:1] == [PREFIX_STATE], result.describe()
    assert {"1", "2"} <= team_ids(database_url)


FATAL_CASES = [
    pytest.param([BROKEN_JSON], ["Unable to parse", BROKEN_JSON], id="invalid-json"),
    pytest.param(
        [{"type": "RECORD", "stream": "ghosts", "record": {"id": "1"}}],
        ["ghosts"],
        id="record-before-schema",
    ),
    pytest.param([{"type": "HELLO", "stream": "teams"}], ["HELLO"], id="unknown-message-type"),
    pytest.param([{"stream": "teams", "record": {}}], ["type"], id="message-without-type"),
]


@pytest.mark.parametrize(("bad_lines", "named"), FATAL_CASES)
def test_unreadable_input_stops_with_an_error_naming_it(
    tmp_path: Path, database_url: str, bad_lines: Sequence[Any], named: list[str]
) -> None:
    result = feed_target(tmp_path, database_url, as_lines(*prefix(), *bad_lines, *suffix()))

    assert result.target_returncode not in (0, None)
    for words in named:
        assert words in result.target_stderr
    assert_prefix_kept(result, database_url)
    assert "3" not in team_ids(database_url), "nothing after the bad line was loaded"
    assert len(result.states) == 1, "no state confirmed past the bad line"
    assert sync_logs(database_url)[-1]["status"] == "failed"


REJECTED_CASES = [
    pytest.param(team("8", size="three"), id="wrong-type"),
    pytest.param(team("8", updated_at="yesterday"), id="malformed-date-time"),
    pytest.param(
        {"type": "RECORD", "stream": "teams", "record": {"name": "no key"}},
        id="missing-key-property",
    ),
]


@pytest.mark.parametrize("bad_record", REJECTED_CASES)
def test_a_record_not_matching_its_schema_is_rejected_and_the_run_goes_on(
    tmp_path: Path, database_url: str, bad_record: dict[str, Any]
) -> None:
    result = feed_target(tmp_path, database_url, as_lines(*prefix(), bad_record, *suffix()))

    assert result.succeeded, result.describe()
    assert team_ids(database_url) == {"1", "2", "3"}
    (row,) = rejected(database_url)
    assert row["stream"] == "teams"
    stored = row["record"] if isinstance(row["record"], dict) else json.loads(row["record"])
    assert stored == bad_record["record"]
    assert row["error_message"] if "error_message" in row else row["error"]
    log = sync_logs(database_url)[-1]
    assert (log["status"], log["rejected_records"]) == ("success", 1)


def test_on_invalid_record_fail_stops_the_run_and_keeps_what_was_committed(
    tmp_path: Path, database_url: str
) -> None:
    text = as_lines(*prefix(), team("8", size="three"), *suffix())
    result = feed_target(tmp_path, database_url, text, on_invalid_record="fail")

    assert result.target_returncode not in (0, None)
    assert "size" in result.target_stderr
    assert_prefix_kept(result, database_url)
    assert "8" not in team_ids(database_url)


def test_a_schema_change_mid_stream_adds_and_widens_columns(
    tmp_path: Path, database_url: str
) -> None:
    widened = json.loads(json.dumps(TEAMS_SCHEMA))
    widened["schema"]["properties"]["size"] = {"type": ["number", "null"]}
    widened["schema"]["properties"]["region"] = {"type": ["string", "null"]}
    text = as_lines(*prefix(), widened, team("3", size=2.5, region="eu"), *suffix(3)[1:])
    result = feed_target(tmp_path, database_url, text)

    assert result.succeeded, result.describe()
    rows = fetch_rows(database_url, "intercom_teams", ["team_id", "size", "region"])
    by_id = {row["team_id"]: row for row in rows}
    assert set(by_id) == {"1", "2", "3"}
    assert float(by_id["3"]["size"]) == 2.5
    assert by_id["3"]["region"] == "eu"
    assert by_id["1"]["region"] is None


def test_an_unsafe_type_change_stops_with_an_error_naming_table_column_and_types(
    tmp_path: Path, database_url: str
) -> None:
    narrowed = json.loads(json.dumps(TEAMS_SCHEMA))
    narrowed["schema"]["properties"]["name"] = {"type": ["integer", "null"]}
    text = as_lines(*prefix(), narrowed, team("3", name=7), *suffix(4)[1:])
    result = feed_target(tmp_path, database_url, text)

    assert result.target_returncode not in (0, None)
    error = result.target_stderr
    for word in ("intercom_teams", "name", "text", "bigint"):
        assert word in error, word
    assert_prefix_kept(result, database_url)
    assert sync_logs(database_url)[-1]["status"] == "failed"


def test_enormous_values_and_nul_characters_are_loaded_intact_but_for_the_nuls(
    tmp_path: Path, database_url: str
) -> None:
    enormous = "é" * 3_000_000
    text = as_lines(
        *prefix(), team("3", name=enormous), team("4", name="a\u0000b\u0000c"), *suffix(5)[1:]
    )
    result = feed_target(tmp_path, database_url, text)

    assert result.succeeded, result.describe()
    rows = fetch_rows(database_url, "intercom_teams", ["team_id", "name"])
    names = {row["team_id"]: row["name"] for row in rows}
    assert names["3"] == enormous
    assert names["4"] == "abc"
    assert sync_logs(database_url)[-1]["nul_characters_removed"] == 2


ODD_STREAM = "Odd Stream/Ñame 🙂"
ODD_PROPERTIES = ["Mixed Case", "with space", "dots.and-dashes", "ü" * 40, "x" * 70, "x" * 71]


def test_odd_stream_and_property_names_load_into_quoted_identifiers(
    tmp_path: Path, database_url: str
) -> None:
    schema = {
        "type": "SCHEMA",
        "stream": ODD_STREAM,
        "key_properties": ["Mixed Case"],
        "schema": {
            "type": "object",
            "properties": {name: {"type": ["string", "null"]} for name in ODD_PROPERTIES},
        },
    }
    record = {name: f"value {number}" for number, name in enumerate(ODD_PROPERTIES)}
    message = {"type": "RECORD", "stream": ODD_STREAM, "record": record}
    result = feed_target(tmp_path, database_url, as_lines(schema, message))

    assert result.succeeded, result.describe()
    (table,) = set(table_names(database_url)) - set(SUPPORT_TABLES)
    columns = table_columns(database_url, table)
    assert len([c for c in columns if not c.startswith("_")]) == len(ODD_PROPERTIES)
    (row,) = fetch_rows(database_url, table, columns)
    assert sorted(v for c, v in row.items() if not c.startswith("_")) == sorted(record.values())
