"""ACTIVATE_VERSION (soft and hard deletion of rows the source no longer has) and the overwrite
load method: a table is replaced only by a stream that arrived complete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg2
import pytest

from .kit import STREAM, TABLE, item, items_schema, last_log, ok, rejected, rows, run


def activate(version: Any, stream: str = STREAM) -> dict[str, Any]:
    return {"type": "ACTIVATE_VERSION", "stream": stream, "version": version}


def versioned(version: int, *ids: int) -> list[dict[str, Any]]:
    return [{**item(id=n, name=f"v{version}-{n}"), "version": version} for n in ids]


def marker(kind: str, complete: bool, **extra: Any) -> dict[str, Any]:
    sync = {"run_id": "r", "type": kind, "complete": complete, **extra}
    return {"type": "STATE", "value": {"bookmarks": {}, "sync": sync}}


def test_soft_delete_marks_rows_not_in_the_new_version(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    ok(run(target_config, [items_schema(), activate(100), *versioned(100, 1, 2, 3)], tmp_path))
    done = ok(run(target_config, [items_schema(), activate(200), *versioned(200, 1, 3)], tmp_path))
    assert done.states == []
    got = rows(url, "id, name, _sdc_table_version, _sdc_deleted_at IS NOT NULL")
    assert got == [(1, "v200-1", 200, False), (2, "v100-2", 100, True), (3, "v200-3", 200, False)]
    # The row comes back: no longer marked.
    ok(run(target_config, [items_schema(), activate(300), *versioned(300, 1, 2, 3)], tmp_path))
    assert rows(url, "id, _sdc_deleted_at IS NOT NULL") == [(1, False), (2, False), (3, False)]
    assert rejected(url) == []


def test_hard_delete_removes_rows_not_in_the_new_version(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "hard_delete": True}
    ok(run(config, [items_schema(), activate(100), *versioned(100, 1, 2, 3)], tmp_path))
    ok(run(config, [items_schema(), activate(200), *versioned(200, 2)], tmp_path))
    assert rows(config["database_url"]) == [(2, "v200-2")]
    assert last_log(config["database_url"])["status"] == "success"


def test_records_without_version_after_activate_belong_to_it(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "hard_delete": True}
    ok(run(config, [items_schema(), activate(1), item(id=1), item(id=2)], tmp_path))
    ok(run(config, [items_schema(), activate(2), item(id=2, name="kept")], tmp_path))
    assert rows(config["database_url"]) == [(2, "kept")]


def test_interrupted_versioned_run_deletes_nothing(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "hard_delete": True}
    url = config["database_url"]
    ok(run(config, [items_schema(), activate(1), *versioned(1, 1, 2, 3)], tmp_path))
    messages = [items_schema(), activate(2), *versioned(2, 1), marker("full", complete=False)]
    done = ok(run(config, messages, tmp_path))
    assert done.states == [messages[-1]["value"]]
    assert rows(url, "id") == [(1,), (2,), (3,)]
    assert last_log(url)["status"] == "incomplete"


def test_skipped_versioned_stream_deletes_nothing(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "hard_delete": True}
    url = config["database_url"]
    ok(run(config, [items_schema(), activate(1), *versioned(1, 1, 2, 3)], tmp_path))
    skipped = {STREAM: "Permission missing. Grant it."}
    final = marker("full", complete=True, skipped_streams=skipped)
    ok(run(config, [items_schema(), activate(2), *versioned(2, 1), final], tmp_path))
    assert rows(url, "id") == [(1,), (2,), (3,)]
    assert last_log(url)["status"] == "partial"


def test_activate_version_for_an_unknown_stream_fails_clearly(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    messages = [items_schema(), item(id=1), marker("full", False), activate(5, "ghosts")]
    done = run(target_config, [*messages, marker("full", True)], tmp_path)
    assert done.returncode == 1
    assert "ghosts" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == [messages[2]["value"]]
    assert rows(url, "id") == [(1,)]
    assert last_log(url)["status"] == "failed"


def test_activate_version_that_is_not_an_integer_fails_clearly(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    ok(run(target_config, [items_schema(), item(id=1)], tmp_path))
    done = run(target_config, [items_schema(), activate("tomorrow"), item(id=2)], tmp_path)
    assert done.returncode == 1
    assert "tomorrow" in done.stderr
    assert STREAM in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == []
    assert rows(url, "id") == [(1,)]


# --- overwrite ---


def _seed_overwrite(config: dict[str, Any], tmp_path: Path) -> None:
    final = marker("full", complete=True)
    ok(run(config, [items_schema(), *[item(id=n, name="old") for n in (1, 2, 3)], final], tmp_path))
    assert rows(config["database_url"], "id") == [(1,), (2,), (3,)]


def test_overwrite_replaces_after_a_complete_full_run(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "load_method": "overwrite"}
    _seed_overwrite(config, tmp_path)
    final = marker("full", complete=True)
    done = ok(run(config, [items_schema(), item(id=9, name="new"), final], tmp_path))
    assert done.states == [final["value"]]
    assert rows(config["database_url"]) == [(9, "new")]


def test_overwrite_partial_runs_never_empty_the_table(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "load_method": "overwrite"}
    url = config["database_url"]
    _seed_overwrite(config, tmp_path)
    for kind in ("date_range", "conversations", "incremental"):
        final = marker(kind, complete=True)
        done = ok(run(config, [items_schema(), item(id=4, name=kind), final], tmp_path))
        assert done.states == [final["value"]]
        assert rows(url, "id") == [(1,), (2,), (3,), (4,)], kind
    # A full run that did not finish, and one that skipped the stream: merged, not replaced.
    ok(run(config, [items_schema(), item(id=5), marker("full", complete=False)], tmp_path))
    skipped = marker("full", complete=True, skipped_streams={STREAM: "Gone. Fix."})
    ok(run(config, [items_schema(), item(id=6), skipped], tmp_path))
    assert rows(url, "id") == [(n,) for n in range(1, 7)]


def test_overwrite_holds_state_until_the_table_is_replaced(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "load_method": "overwrite"}
    _seed_overwrite(config, tmp_path)
    first = {"type": "STATE", "value": {"bookmarks": {STREAM: 1}}}
    # The run dies after a STATE: that state must not be printed (its rows are only staged).
    messages = [items_schema(), item(id=7), first, "{not json"]
    done = run(config, messages, tmp_path)
    assert done.returncode == 1
    assert done.states == []
    assert rows(config["database_url"], "id") == [(1,), (2,), (3,)]


def test_overwrite_with_only_rejected_records_keeps_the_table(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "load_method": "overwrite"}
    url = config["database_url"]
    _seed_overwrite(config, tmp_path)
    schema = items_schema(count={"type": ["integer", "null"]})
    ok(run(config, [schema, item(id=8, count=2**70)], tmp_path))  # no marker: another tap
    assert rows(url, "id") == [(1,), (2,), (3,)]
    assert len(rejected(url)) == 1


# --- a rejected record is not a deletion ---

AT = {"at": {"type": ["string", "null"], "format": "date-time"}}


@pytest.mark.parametrize("hard_delete", [False, True])
def test_rejected_record_of_a_version_keeps_its_row(
    target_config: dict[str, Any], tmp_path: Path, hard_delete: bool
) -> None:
    """The source still has item 2; its new record only could not be stored. Retiring its row
    would claim (or act on) a deletion that never happened."""
    config = {**target_config, "hard_delete": hard_delete}
    url = config["database_url"]
    schema = items_schema(**AT)
    ok(run(config, [schema, activate(1), *versioned(1, 1, 2, 3)], tmp_path))
    bad = {**item(id=2, name="v2-2", at="2024-W01-1"), "version": 2}
    done = ok(run(config, [schema, activate(2), *versioned(2, 1), bad], tmp_path))
    assert done.states == []
    assert rows(url, "id, name") == [(1, "v2-1"), (2, "v1-2")] + (
        [] if hard_delete else [(3, "v1-3")]
    )
    if not hard_delete:
        marked = rows(url, "id, _sdc_deleted_at IS NOT NULL")
        assert marked == [(1, False), (2, False), (3, True)]
    ((stream, record, _),) = rejected(url)
    assert stream == STREAM
    assert record["id"] == 2


def test_row_postgresql_refuses_in_a_version_keeps_its_row(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """The same for a value only PostgreSQL refuses (a constraint the user added)."""
    config = {**target_config, "hard_delete": True}
    url = config["database_url"]
    ok(run(config, [items_schema(), activate(1), *versioned(1, 1, 2, 3)], tmp_path))
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT short CHECK (length(name) < 10)")
    long_name = {**item(id=3, name="far too long a name"), "version": 2}
    ok(run(config, [items_schema(), activate(2), *versioned(2, 1), long_name], tmp_path))
    assert rows(url, "id, name") == [(1, "v2-1"), (3, "v1-3")]
    ((_, record, error),) = rejected(url)
    assert record["id"] == 3
    assert "short" in error


def test_unreadable_record_in_a_version_retires_nothing(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """A record whose key cannot be read (NaN elsewhere in it): which row it was is unknown, so
    no row is retired this run, and a warning says so."""
    config = {**target_config, "hard_delete": True}
    url = config["database_url"]
    amount = {"amount": {"type": ["number", "null"]}}
    ok(run(config, [items_schema(**amount), activate(1), *versioned(1, 1, 2, 3)], tmp_path))
    unreadable = (
        '{"type": "RECORD", "stream": "items", "version": 2, "record": {"id": 2, "amount": NaN}}'
    )
    done = ok(
        run(config, [items_schema(**amount), activate(2), *versioned(2, 1), unreadable], tmp_path)
    )
    assert rows(url, "id") == [(1,), (2,), (3,)]
    assert "not retired" in done.stderr or "retires nothing" in done.stderr
    assert len(rejected(url)) == 1


@pytest.mark.parametrize("version", [2**63, -(2**63) - 1])
def test_version_beyond_bigint_fails_clearly_and_retires_nothing(
    target_config: dict[str, Any], tmp_path: Path, version: int
) -> None:
    """`_sdc_table_version` is a bigint: such a version cannot be stored (every record of it
    was set aside, and the rows of older versions retired)."""
    config = {**target_config, "hard_delete": True}
    url = config["database_url"]
    ok(run(config, [items_schema(), activate(1), *versioned(1, 1, 2)], tmp_path))
    messages = [items_schema(), activate(version), {**item(id=1), "version": version}]
    done = run(config, messages, tmp_path)
    assert done.returncode == 1
    assert str(version) in done.stderr
    assert STREAM in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == []
    assert rows(url, "id, name") == [(1, "v1-1"), (2, "v1-2")]
    assert rejected(url) == []


def test_overwrite_keeps_the_row_of_a_rejected_record(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """A complete run replaces the table, but item 2's new record could not be stored: its old
    row stays (the source still has it); item 3, absent from the run, goes."""
    config = {**target_config, "load_method": "overwrite"}
    url = config["database_url"]
    _seed_overwrite(config, tmp_path)
    schema = items_schema(**AT)
    final = marker("full", complete=True)
    bad = item(id=2, name="new", at="2024-W01-1")
    done = ok(run(config, [schema, item(id=1, name="new"), bad, final], tmp_path))
    assert done.states == [final["value"]]
    assert rows(url) == [(1, "new"), (2, "old")]
    assert len(rejected(url)) == 1


def test_overwrite_with_an_unreadable_record_merges_instead(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "load_method": "overwrite"}
    url = config["database_url"]
    _seed_overwrite(config, tmp_path)
    schema = items_schema(amount={"type": ["number", "null"]})
    final = marker("full", complete=True)
    unreadable = '{"type": "RECORD", "stream": "items", "record": {"id": 2, "amount": NaN}}'
    done = ok(run(config, [schema, item(id=1, name="new"), unreadable, final], tmp_path))
    assert done.states == [final["value"]]
    assert rows(url) == [(1, "new"), (2, "old"), (3, "old")]
    assert "was not replaced" in done.stderr
