"""Names: reserved tables, property and stream names PostgreSQL cannot hold as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from target_supabase.tables.names import fit_identifier

from target.support import columns, record, schema_message, state, tables

from .kit import last_log, ok, rows, run


def _stream(name: str, **properties: Any) -> dict[str, Any]:
    return schema_message(name, {"id": {"type": "integer"}, **properties}, keys=["id"])


@pytest.mark.parametrize(
    ("stream", "extra_config"),
    [
        ("sync_logs", {}),
        ("rejected_records", {}),
        ("webhook_events", {}),
        ("id_snapshots", {}),
        ("harmless", {"table_names": {"harmless": "sync_logs"}}),
        ("_stage_items", {"table_prefix": ""}),
        ("logs", {"table_prefix": "", "table_names": {"logs": "_stage_intercom_users"}}),
    ],
)
def test_stream_into_a_reserved_table_is_refused(
    target_config: dict[str, Any], tmp_path: Path, stream: str, extra_config: dict[str, Any]
) -> None:
    config = {**target_config, **extra_config}
    url = config["database_url"]
    prefix = config.get("table_prefix", "intercom_")
    logs = prefix + "sync_logs"
    ok(run(config, [state({"n": 0})], tmp_path))  # a first run: the support tables exist
    done = run(config, [_stream(stream), record(stream, id=1), state({"n": 1})], tmp_path)
    assert done.returncode == 1
    assert repr(stream) in done.stderr
    assert "table_names" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == []
    log_rows = rows(url, "id, status", table=logs)
    assert [status for _, status in log_rows] == ["success", "failed"]
    assert len(columns(url, logs)) > 5  # still the sync log, not a stream's table


def test_long_property_names_sharing_a_prefix_get_distinct_columns(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    long_a, long_b = "p" * 70 + "_alpha", "p" * 70 + "_beta"
    wide = "é" * 40  # 80 bytes
    properties = {name: {"type": "string"} for name in (long_a, long_b, wide)}
    messages = [_stream("wide", **properties), record("wide", id=1, **dict.fromkeys(properties))]
    messages[1]["record"] |= {long_a: "A", long_b: "B", wide: "E"}
    for _ in (1, 2):  # the same names the second time
        ok(run(target_config, [*messages, state({"w": 1})], tmp_path))
    found = columns(url, "intercom_wide")
    mapped = [name for name in found if name.startswith(("ppp", "é"))]
    assert len(mapped) == 3
    assert all(len(name.encode()) <= 63 for name in mapped)
    values = rows(url, ", ".join(f'"{name}"' for name in sorted(mapped)), table="intercom_wide")
    assert sorted(values[0]) == ["A", "B", "E"]


def test_nul_in_a_property_name_gets_a_valid_column(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    messages = [
        _stream("odd", **{"a\x00b": {"type": "string"}, "ab": {"type": "string"}}),
        record("odd", id=1, **{"a\x00b": "with nul", "ab": "plain"}),
        state({"o": 1}),
    ]
    done = ok(run(target_config, messages, tmp_path))
    assert done.states == [{"o": 1}]
    found = [name for name in columns(url, "intercom_odd") if name.startswith("a")]
    assert len(found) == 2
    assert "ab" in found
    other = next(name for name in found if name != "ab")
    assert rows(url, f'"ab", "{other}"', table="intercom_odd") == [("plain", "with nul")]


@pytest.mark.parametrize("stream", ["bad\x00name", ""])
def test_stream_name_postgresql_cannot_hold_is_refused(
    target_config: dict[str, Any], tmp_path: Path, stream: str
) -> None:
    config = {**target_config, "table_prefix": ""}
    done = run(config, [_stream(stream), record(stream, id=1), state({"s": 1})], tmp_path)
    assert done.returncode == 1
    assert "table_names" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == []
    support = {"sync_logs", "rejected_records", "webhook_events", "id_snapshots"}
    assert tables(config["database_url"]) == support
    assert rows(config["database_url"], "status", table="sync_logs") == [("failed",)]


def test_long_stream_name_loads_into_a_fitted_table(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    first, second = "s" * 100 + "_one", "s" * 100 + "_two"
    messages = [_stream(first), _stream(second), record(first, id=1), record(second, id=2)]
    ok(run(target_config, [*messages, state({"l": 1})], tmp_path))
    made = sorted(name for name in tables(url) if name.startswith("intercom_sss"))
    assert len(made) == 2
    assert all(len(name) <= 63 for name in made)
    assert [rows(url, "id", table=name) for name in made] in ([[(1,)], [(2,)]], [[(2,)], [(1,)]])


def test_quotes_and_sql_in_names_are_only_names(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    stream = 'x"; DROP TABLE intercom_sync_logs; --'
    prop = "y'); DELETE FROM intercom_sync_logs; --"
    messages = [_stream(stream, **{prop: {"type": "string"}}), record(stream, id=1, **{prop: "v"})]
    ok(run(target_config, [*messages, state({"q": 1})], tmp_path))
    assert rows(url, f'id, "{prop}"', table="intercom_" + stream) == [(1, "v")]
    assert last_log(url)["status"] == "success"


def test_property_named_like_the_targets_own_column_is_refused(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """`_synced_at` is the target's: its triggers rewrite it on every insert and update that
    leave it alone, so a stream's own `_synced_at` would be overwritten (a row retired by a
    version got the time of the retirement instead of the tap's value)."""
    url = target_config["database_url"]
    schema = _stream("own", _synced_at={"type": "string"}, note={"type": "string"})
    messages = [schema, record("own", id=1, _synced_at="theirs", note="n"), state({"k": 1})]
    done = run(target_config, messages, tmp_path)
    assert done.returncode == 1
    assert "'own'" in done.stderr
    assert "_synced_at" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == []
    assert "intercom_own" not in tables(url)


def test_two_streams_shortened_into_one_table_are_refused(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """A long stream name is shortened with a hash; a second stream literally named like the
    shortened table must not silently share (and overwrite) its rows."""
    url = target_config["database_url"]
    config = {**target_config, "table_prefix": ""}
    long_name = "s" * 100
    short = fit_identifier(long_name)
    messages = [
        schema_message(long_name, {"id": {"type": "integer"}, "x": {"type": "string"}}, ["id"]),
        schema_message(short, {"id": {"type": "integer"}, "y": {"type": "string"}}, ["id"]),
        record(long_name, id=1, x="from the long one"),
        record(short, id=1, y="from the short one"),
        state({"z": 1}),
    ]
    done = run(config, messages, tmp_path)
    assert done.returncode == 1
    assert repr(long_name) in done.stderr
    assert repr(short) in done.stderr
    assert "table_names" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == []
    assert rows(url, "id", table=short) == []


def test_streams_mapped_to_one_table_on_purpose_still_load(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """Two streams the user maps to one table with `table_names` are the user's choice."""
    url = target_config["database_url"]
    config = {**target_config, "table_names": {"a": "both", "b": "both"}}
    messages = [
        schema_message("a", {"id": {"type": "integer"}}, ["id"]),
        schema_message("b", {"id": {"type": "integer"}}, ["id"]),
        record("a", id=1),
        record("b", id=2),
        state({"m": 1}),
    ]
    done = ok(run(config, messages, tmp_path))
    assert done.states == [{"m": 1}]
    assert rows(url, "id", table="intercom_both") == [(1,), (2,)]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": []},
        {"type": "object", "properties": {"id": "integer"}},
        {"type": "object", "properties": {"id": {"type": "wat"}}},
    ],
)
def test_malformed_schema_fails_naming_the_stream(
    target_config: dict[str, Any], tmp_path: Path, schema: Any
) -> None:
    url = target_config["database_url"]
    good = [_stream("fine"), record("fine", id=1), state({"f": 1})]
    bad = {"type": "SCHEMA", "stream": "broken", "schema": schema, "key_properties": []}
    done = run(target_config, [*good, bad, record("broken", id=1), state({"f": 2})], tmp_path)
    assert done.returncode == 1
    assert "'broken'" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == [{"f": 1}]
    assert rows(url, "id", table="intercom_fine") == [(1,)]
    assert last_log(url)["status"] == "failed"
