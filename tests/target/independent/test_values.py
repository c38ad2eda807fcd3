"""Values PostgreSQL refuses, sent in a valid Singer stream: the record is set aside, the rest of
its batch loads, state advances, and the same input runs again without failing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from target.support import TARGET_BIN

from .kit import (
    STREAM,
    bookmark,
    item,
    items_schema,
    last_log,
    ok,
    raw_item,
    rejected,
    rows,
    run,
)

AT = {"at": {"type": ["string", "null"], "format": "date-time"}}
META = {"meta": {"type": ["object", "null"]}}
AMOUNT = {"amount": {"type": ["number", "null"]}}


def _one_bad_between_good(
    config: dict[str, Any], tmp_path: Path, schema: dict[str, Any], bad: dict[str, Any] | str
) -> None:
    """Records 1 and 3 load, record 2 (bad) is rejected, the state after them is emitted, and a
    second run of the same input does the same."""
    messages = [schema, item(id=1, name="one"), bad, item(id=3, name="three"), bookmark(3)]
    for run_number in (1, 2):
        done = ok(run(config, messages, tmp_path))
        assert done.states == [{"bookmarks": {STREAM: 3}}]
        assert rows(config["database_url"]) == [(1, "one"), (3, "three")]
        found = rejected(config["database_url"])
        assert len(found) == run_number
        assert {stream for stream, _, _ in found} == {STREAM}
        assert all(error for _, _, error in found)
        assert last_log(config["database_url"])["status"] == "success"
        assert last_log(config["database_url"])["rejected_records"] == 1


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-01T10",  # hour only: ISO 8601, not PostgreSQL
        "2024-W01-1",  # an ISO week date
        "0000-01-01T00:00:00Z",  # year 0
        "10000-01-01T00:00:00Z",  # year 10000
        "2024-02-30T00:00:00Z",  # no such day
        "2024-01-01T24:30:00Z",  # no such hour
        "2024-01-01T10:00:00+25:00",  # an offset PostgreSQL refuses
    ],
)
def test_date_time_postgresql_refuses_is_rejected(
    target_config: dict[str, Any], tmp_path: Path, value: str
) -> None:
    bad = item(id=2, name="two", at=value)
    _one_bad_between_good(target_config, tmp_path, items_schema(**AT), bad)
    (_, record, error), *_ = rejected(target_config["database_url"])
    assert record["at"] == value
    assert "at" in error


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**40])
def test_integer_beyond_bigint_is_rejected(
    target_config: dict[str, Any], tmp_path: Path, value: int
) -> None:
    schema = items_schema(count={"type": ["integer", "null"]})
    _one_bad_between_good(target_config, tmp_path, schema, item(id=2, count=value))


def test_bigint_edges_load(target_config: dict[str, Any], tmp_path: Path) -> None:
    schema = items_schema(count={"type": ["integer", "null"]})
    messages = [schema, item(id=1, count=2**63 - 1), item(id=2, count=-(2**63)), bookmark(2)]
    done = ok(run(target_config, messages, tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 2}}]
    got = rows(target_config["database_url"], "id, count")
    assert got == [(1, 2**63 - 1), (2, -(2**63))]
    assert rejected(target_config["database_url"]) == []


@pytest.mark.parametrize("exponent", ["1e131073", "-1e200000", "1e-20000"])
def test_number_beyond_numeric_is_rejected(
    target_config: dict[str, Any], tmp_path: Path, exponent: str
) -> None:
    """numeric holds 131072 digits before the point and 16383 after; the rejected records
    table must still take the record (its jsonb would refuse the same number)."""
    bad = raw_item(f'{{"id": 2, "amount": {exponent}}}')
    _one_bad_between_good(target_config, tmp_path, items_schema(**AMOUNT), bad)


def test_number_beyond_numeric_inside_an_object_is_rejected(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    bad = raw_item('{"id": 2, "meta": {"deep": [1, {"n": 1e200000}]}}')
    _one_bad_between_good(target_config, tmp_path, items_schema(**META), bad)


@pytest.mark.parametrize(
    "record_json",
    [
        '{"id": 2, "amount": NaN}',
        '{"id": 2, "amount": Infinity}',
        '{"id": 2, "amount": -Infinity}',
        '{"id": 2, "meta": {"a": [NaN]}}',
    ],
)
def test_nan_and_infinity_are_rejected_not_nulled(
    target_config: dict[str, Any], tmp_path: Path, record_json: str
) -> None:
    schema = items_schema(**AMOUNT, **META)
    _one_bad_between_good(target_config, tmp_path, schema, raw_item(record_json))
    (_, _, error), *_ = rejected(target_config["database_url"])
    assert "NaN" in error or "Infinity" in error


def test_nul_in_key_value_is_rejected(target_config: dict[str, Any], tmp_path: Path) -> None:
    schema = items_schema(keys=("code",), code={"type": "string"})
    messages = [
        schema,
        item(code="a", id=1, name="one"),
        item(code="b\x00", id=2, name="two"),
        item(code="b", id=3, name="three"),
        bookmark(3),
    ]
    done = ok(run(target_config, messages, tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 3}}]
    assert rows(target_config["database_url"], "code, name") == [("a", "one"), ("b", "three")]
    ((stream, record, error),) = rejected(target_config["database_url"])
    assert stream == STREAM
    assert record["id"] == 2
    assert "code" in error
    assert "NUL" in error


def test_nul_in_json_object_key_is_rejected(target_config: dict[str, Any], tmp_path: Path) -> None:
    bad = item(id=2, meta={"a\x00b": 1})
    _one_bad_between_good(target_config, tmp_path, items_schema(**META), bad)


def test_nul_in_plain_text_is_removed_and_counted(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    messages = [items_schema(**META), item(id=1, name="a\x00b", meta={"k": "c\x00d"}), bookmark(1)]
    done = ok(run(target_config, messages, tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 1}}]
    assert rows(target_config["database_url"], "id, name, meta") == [(1, "ab", {"k": "cd"})]
    assert rejected(target_config["database_url"]) == []
    assert last_log(target_config["database_url"])["nul_characters_removed"] == 2


@pytest.mark.parametrize("bad", [item(id=None, name="two"), item(name="two")])
def test_null_or_missing_key_is_rejected_naming_the_key(
    target_config: dict[str, Any], tmp_path: Path, bad: dict[str, Any]
) -> None:
    _one_bad_between_good(target_config, tmp_path, items_schema(), bad)
    (_, _, error), *_ = rejected(target_config["database_url"])
    assert "id" in error


def test_missing_key_with_fail_names_the_stream(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "on_invalid_record": "fail"}
    messages = [items_schema(), item(id=1), bookmark(1), item(name="x"), bookmark(2)]
    done = run(config, messages, tmp_path)
    assert done.returncode == 1
    assert "'items'" in done.stderr
    assert "id" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == [{"bookmarks": {STREAM: 1}}]
    assert rows(config["database_url"]) == [(1, None)]
    assert rejected(config["database_url"]) == []
    log = last_log(config["database_url"])
    assert log["status"] == "failed"
    assert "items" in log["error_message"]


@pytest.mark.parametrize("depth", [3000, 200_000])
def test_deeply_nested_value_is_rejected(
    target_config: dict[str, Any], tmp_path: Path, depth: int
) -> None:
    nested = "[" * depth + "]" * depth
    bad = raw_item(f'{{"id": 2, "meta": {{"x": {nested}}}}}')
    _one_bad_between_good(target_config, tmp_path, items_schema(**META), bad)


def test_type_mismatch_is_rejected(target_config: dict[str, Any], tmp_path: Path) -> None:
    schema = items_schema(count={"type": ["integer", "null"]})
    _one_bad_between_good(target_config, tmp_path, schema, item(id=2, count="many"))


def test_huge_string_loads_whole(target_config: dict[str, Any], tmp_path: Path) -> None:
    big = "x" * (12 * 1024 * 1024) + "é"
    messages = [items_schema(), item(id=1, name=big), bookmark(1)]
    done = ok(run(target_config, messages, tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 1}}]
    got = rows(target_config["database_url"], "id, length(name), right(name, 2)")
    assert got == [(1, len(big), "xé")]


def test_lone_surrogates_become_replacement_characters(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """Half a UTF-16 pair cannot be stored in UTF-8: it becomes U+FFFD, a whole pair its
    character; the record is not lost."""
    line = raw_item(r'{"id": 1, "name": "a\ud800b\ud83d\ude00", "meta": {"k\udfff": "\ud83d"}}')
    done = ok(run(target_config, [items_schema(**META), line, bookmark(1)], tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 1}}]
    got = rows(target_config["database_url"], "id, name, meta")
    assert got == [(1, "a\ufffdb\U0001f600", {"k\ufffd": "\ufffd"})]
    assert rejected(target_config["database_url"]) == []


def test_duplicate_keys_in_one_batch_keep_the_latest(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    messages = [
        items_schema(),
        item(id=1, name="first"),
        item(id=2, name="other"),
        item(id=1, name="second"),
        item(id=1, name="third"),
        bookmark(3),
    ]
    done = ok(run(target_config, messages, tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 3}}]
    assert rows(target_config["database_url"]) == [(1, "third"), (2, "other")]
    read = last_log(target_config["database_url"])["records_by_stream"]
    assert read == {STREAM: 4}  # records read, duplicates included


def test_duplicate_keys_with_a_replication_key_keep_the_newest(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    schema = items_schema(updated_at={"type": "integer"})
    schema["bookmark_properties"] = ["updated_at"]
    first = [schema, item(id=1, name="new", updated_at=20), item(id=1, name="old", updated_at=10)]
    done = ok(run(target_config, [*first, bookmark(20)], tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 20}}]
    assert rows(target_config["database_url"]) == [(1, "new")]
    # An older version in a later run does not overwrite the newer row either.
    done = ok(run(target_config, [schema, item(id=1, name="older", updated_at=5)], tmp_path))
    assert rows(target_config["database_url"]) == [(1, "new")]


def test_rejected_then_fixed_record_loads_on_the_next_run(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    schema = items_schema(**AT)
    ok(run(target_config, [schema, item(id=1, at="2024-W01-1"), bookmark(1)], tmp_path))
    assert rows(target_config["database_url"]) == []
    done = ok(run(target_config, [schema, item(id=1, at="2024-01-01T00:00:00Z")], tmp_path))
    assert done.states == []
    got = rows(target_config["database_url"], "id, extract(epoch from at)::bigint")
    assert got == [(1, 1704067200)]
    assert len(rejected(target_config["database_url"])) == 1


@pytest.mark.parametrize("value", ["2024-02-30", "0000-01-01", "10000-01-01", "2024-W01", "24-1-1"])
def test_date_postgresql_refuses_is_rejected(
    target_config: dict[str, Any], tmp_path: Path, value: str
) -> None:
    schema = items_schema(day={"type": ["string", "null"], "format": "date"})
    _one_bad_between_good(target_config, tmp_path, schema, item(id=2, day=value))


def test_terminal_escapes_in_a_stored_error_are_escaped_by_status(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """The sync log keeps the error as it was; `status` prints it to a terminal escaped."""
    escapes = "\x1b]0;pwned\x07\x1b[2J\x9b31m"
    done = run(
        target_config,
        [{"type": "STATE", "value": {}}, item(id=1) | {"stream": "x" + escapes}],
        tmp_path,
    )
    assert done.returncode == 1
    config_file = tmp_path / "status.json"
    config_file.write_text(json.dumps(target_config))
    status = subprocess.run(
        [str(TARGET_BIN.parent / "target-supabase-ops"), "status", "--config", str(config_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert status.returncode == 0
    assert "failed" in status.stdout
    assert "pwned" in status.stdout
    for control in ("\x1b", "\x07", "\x9b"):
        assert control not in status.stdout + status.stderr


def test_keys_differing_only_in_lone_surrogates_are_not_merged(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """Half a UTF-16 pair becomes U+FFFD; in a key value that would make two keys one (as a
    removed NUL would, which is why a NUL in a key sets the record aside)."""
    url = target_config["database_url"]
    schema = items_schema(keys=("code",), code={"type": "string"})
    first = raw_item(r'{"code": "k\ud800", "name": "first"}')
    second = raw_item(r'{"code": "k\udfff", "name": "second"}')
    done = ok(run(target_config, [schema, first, second, bookmark(2)], tmp_path))
    assert done.states == [{"bookmarks": {STREAM: 2}}]
    stored = rows(url, "name")
    kept_apart = len(stored) + len(rejected(url)) == 2
    assert kept_apart, f"two source keys became one row: {stored}"
    # Both are set aside, each saying why.
    assert stored == []
    assert all("U+FFFD" in error for _, _, error in rejected(url))
