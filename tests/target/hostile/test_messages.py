"""Hostile input, messages: BATCH, ACTIVATE_VERSION, overwrite, reserved table names.

Each case runs `target-supabase` as a process on Singer lines, against the real PostgreSQL, and
checks what a user sees: the exit status, stderr, the states printed, the rows, the rejected rows.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import subprocess
import time
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from target.intercom_messages import (
    CONTACTS,
    CONVERSATIONS,
    DELETED,
    conversation,
    hour,
    sync_state,
)
from target.support import (
    TARGET_BIN,
    Finished,
    as_lines,
    fetch,
    record,
    run_process,
    schema_message,
    state,
    sync_logs,
    tables,
)

TAGS = schema_message(
    "tags", {"tag_id": {"type": "string"}, "name": {"type": ["null", "string"]}}, ["tag_id"]
)


def tag_row(tag_id: str, name: str | None = None, version: int | None = None) -> dict[str, Any]:
    message = record("tags", tag_id=tag_id, name=name or tag_id.upper())
    if version is not None:
        message["version"] = version
    return message


def activate(stream: str, version: Any) -> dict[str, Any]:
    return {"type": "ACTIVATE_VERSION", "stream": stream, "version": version}


def batch(stream: str, files: list[Path], compression: str = "none", fmt: str = "jsonl") -> dict:
    return {
        "type": "BATCH",
        "stream": stream,
        "encoding": {"format": fmt, "compression": compression},
        "manifest": [file.as_uri() for file in files],
    }


def write_jsonl(path: Path, rows: list[dict[str, Any]], gzipped: bool = False) -> Path:
    text = "".join(json.dumps(row) + "\n" for row in rows).encode()
    path.write_bytes(gzip.compress(text) if gzipped else text)
    return path


def titles(url: str) -> list[tuple[str, str]]:
    return fetch(url, "SELECT conversation_id, title FROM intercom_conversations ORDER BY 1")


def tag_rows(url: str) -> list[tuple[Any, ...]]:
    return fetch(
        url,
        "SELECT tag_id, name, _sdc_table_version, _sdc_deleted_at IS NOT NULL "
        "FROM intercom_tags ORDER BY 1",
    )


def rejected(url: str) -> list[tuple[str, Any, str]]:
    return fetch(url, "SELECT stream, record, error FROM intercom_rejected_records ORDER BY id")


def bookmarks(finished: Finished) -> list[Any]:
    return [s.get("bookmarks") for s in finished.states]


# --- BATCH ---


@pytest.mark.parametrize("gzipped", [True, False], ids=["gzip", "plain"])
def test_batch_files_load_like_the_records_they_stand_for(
    target_config, database_url, tmp_path, gzipped
) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [conversation("1", 1)["record"]], gzipped)
    second = write_jsonl(
        tmp_path / "b.jsonl",
        [conversation("2", 1)["record"], conversation("1", 3)["record"]],
        gzipped,
    )
    messages = [
        CONVERSATIONS,
        batch("conversations", [first, second], "gzip" if gzipped else "none"),
        state({"bookmarks": {"n": 1}}),
    ]

    done = run_process(target_config, messages, tmp_path)

    assert done.returncode == 0, done.stderr
    assert titles(database_url) == [("1", "1 v3"), ("2", "2 v1")]
    assert bookmarks(done) == [{"n": 1}]
    assert sync_logs(database_url)[-1]["records_by_stream"] == {"conversations": 3}


def test_a_gzip_batch_file_declared_uncompressed_loads(target_config, database_url, tmp_path):
    # The Meltano SDK gzips every jsonl batch file, even with `compression: none` configured.
    file = write_jsonl(tmp_path / "a.json.gz", [conversation("1", 1)["record"]], gzipped=True)
    messages = [CONVERSATIONS, batch("conversations", [file], "none"), state({"n": 1})]

    done = run_process(target_config, messages, tmp_path)

    assert done.returncode == 0, done.stderr
    assert titles(database_url) == [("1", "1 v1")]


def test_a_batch_record_that_does_not_match_its_schema_is_rejected_and_the_rest_loads(
    target_config, database_url, tmp_path
) -> None:
    bad = {"conversation_id": "2", "updated_at": "not a date", "title": "x"}
    file = write_jsonl(tmp_path / "a.jsonl", [conversation("1", 1)["record"], bad])

    done = run_process(
        target_config,
        [CONVERSATIONS, batch("conversations", [file]), state({"n": 1})],
        tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert titles(database_url) == [("1", "1 v1")]
    [(stream, row, error)] = rejected(database_url)
    assert (stream, row["conversation_id"]) == ("conversations", "2")
    assert "updated_at" in error
    assert done.states == [{"n": 1}]


def test_batch_records_postgresql_refuses_or_json_cannot_hold_are_set_aside(
    target_config, database_url, tmp_path
) -> None:
    # Without validation, only PostgreSQL refuses the offset; NaN is not JSON at all.
    config = {**target_config, "validate_records": False}
    refused = {**conversation("2", 1)["record"], "created_at": "2024-01-01T10:00:00+20:00"}
    lines = [json.dumps(conversation("1", 1)["record"]), json.dumps(refused)]
    lines += ['{"conversation_id": "3", "title": NaN}', json.dumps(conversation("4", 1)["record"])]
    file = tmp_path / "mixed.jsonl"
    file.write_text("\n".join(lines) + "\n")

    done = run_process(
        config, [CONVERSATIONS, batch("conversations", [file]), state({"n": 1})], tmp_path
    )

    assert done.returncode == 0, done.stderr
    assert titles(database_url) == [("1", "1 v1"), ("4", "4 v1")]
    # The unreadable record as its text, the refused one as a record.
    found = {
        row["conversation_id"] if isinstance(row, dict) else row: error
        for _, row, error in rejected(database_url)
    }
    assert found.keys() == {"2", '{"conversation_id": "3", "title": NaN}'}
    assert found["2"].startswith("PostgreSQL refused the row: time zone displacement")
    assert found['{"conversation_id": "3", "title": NaN}'].startswith("NaN is not a JSON number")
    assert done.states == [{"n": 1}]
    log = sync_logs(database_url)[-1]
    assert (log["status"], log["rejected_records"]) == ("success", 2)


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        pytest.param({"format": "parquet", "compression": "none"}, "'parquet'", id="parquet"),
        pytest.param({"format": "jsonl", "compression": "zstd"}, "'zstd'", id="zstd"),
        pytest.param({"format": "csv"}, "'csv'", id="csv"),
    ],
)
def test_a_batch_encoding_the_target_cannot_read_fails_before_any_later_state(
    target_config, database_url, tmp_path, encoding, named
) -> None:
    file = write_jsonl(tmp_path / "a.jsonl", [conversation("2", 1)["record"]])
    unreadable = {**batch("conversations", [file]), "encoding": encoding}
    messages = [
        CONVERSATIONS,
        conversation("1", 1),
        state({"n": 1}),
        unreadable,
        conversation("3", 1),
        state({"n": 2}),
    ]

    done = run_process(target_config, messages, tmp_path)

    assert done.returncode == 1
    assert "BATCH message of stream 'conversations'" in done.stderr
    assert named in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == [{"n": 1}]  # nothing after the BATCH message
    assert titles(database_url) == [("1", "1 v1")]
    log = sync_logs(database_url)[-1]
    assert log["status"] == "failed"
    assert log["state"] == {"n": 1}


def test_a_missing_batch_file_fails_naming_the_file(target_config, database_url, tmp_path) -> None:
    present = write_jsonl(tmp_path / "a.jsonl", [conversation("2", 1)["record"]])
    missing = tmp_path / "gone.jsonl"
    messages = [
        CONVERSATIONS,
        conversation("1", 1),
        state({"n": 1}),
        batch("conversations", [present, missing]),
        state({"n": 2}),
    ]

    done = run_process(target_config, messages, tmp_path)

    assert done.returncode == 1
    assert f"BATCH file {missing.as_uri()} of stream 'conversations' cannot be read" in done.stderr
    assert done.states == [{"n": 1}]
    assert titles(database_url) == [("1", "1 v1")]


def test_a_malformed_line_in_a_batch_file_fails_naming_file_and_line(
    target_config, database_url, tmp_path
) -> None:
    file = tmp_path / "a.jsonl"
    file.write_text(json.dumps(conversation("2", 1)["record"]) + "\n{not json\n")

    done = run_process(
        target_config, [CONVERSATIONS, batch("conversations", [file]), state({"n": 1})], tmp_path
    )

    assert done.returncode == 1
    assert f"BATCH file {file.as_uri()} of stream 'conversations', line 2" in done.stderr
    assert done.states == []


def test_a_corrupt_gzip_batch_file_fails_clearly(target_config, database_url, tmp_path) -> None:
    file = tmp_path / "a.jsonl.gz"
    file.write_bytes(gzip.compress(b'{"conversation_id": "1"}\n')[:-12])

    done = run_process(
        target_config,
        [CONVERSATIONS, batch("conversations", [file], "gzip"), state({"n": 1})],
        tmp_path,
    )

    assert done.returncode == 1
    assert "cannot be read" in done.stderr
    assert done.states == []
    assert titles(database_url) == []


def test_a_batch_before_its_schema_fails_naming_the_stream(
    target_config, database_url, tmp_path
) -> None:
    file = write_jsonl(tmp_path / "a.jsonl", [{"id": "1"}])

    done = run_process(target_config, [batch("events", [file]), state({"n": 1})], tmp_path)

    assert done.returncode == 1
    assert "events" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == []
    assert "intercom_events" not in tables(database_url)


# --- ACTIVATE_VERSION ---


def test_rows_a_new_version_no_longer_has_are_marked_deleted_by_default(
    target_config, database_url, tmp_path
) -> None:
    first = [TAGS, activate("tags", 1), *(tag_row(t, version=1) for t in "abc"), state({"n": 1})]
    run_process(target_config, first, tmp_path)
    second = [TAGS, activate("tags", 2), tag_row("a", "A2", 2), tag_row("b", version=2)]

    done = run_process(target_config, [*second, state({"n": 2})], tmp_path)

    assert done.returncode == 0, done.stderr
    assert tag_rows(database_url) == [
        ("a", "A2", 2, False),
        ("b", "B", 2, False),
        ("c", "C", 1, True),
    ]
    assert done.states == [{"n": 2}]


def test_hard_delete_removes_the_rows_a_new_version_no_longer_has(
    target_config, database_url, tmp_path
) -> None:
    config = {**target_config, "hard_delete": True}
    run_process(
        config,
        [TAGS, activate("tags", 1), tag_row("a", version=1), tag_row("b", version=1)],
        tmp_path,
    )

    done = run_process(config, [TAGS, activate("tags", 2), tag_row("b", version=2)], tmp_path)

    assert done.returncode == 0, done.stderr
    assert fetch(database_url, "SELECT tag_id, _sdc_table_version FROM intercom_tags") == [("b", 2)]


def test_a_version_activated_after_its_records_singer_io_style_retires_the_old_rows(
    target_config, database_url, tmp_path
) -> None:
    run_process(
        target_config,
        [TAGS, tag_row("a", version=7), tag_row("z", version=7), activate("tags", 7)],
        tmp_path,
    )

    done = run_process(
        target_config, [TAGS, tag_row("a", version=9), activate("tags", 9)], tmp_path
    )

    assert done.returncode == 0, done.stderr
    assert tag_rows(database_url) == [("a", "A", 9, False), ("z", "Z", 7, True)]


def test_rows_loaded_before_versions_were_used_are_retired_too(
    target_config, database_url, tmp_path
) -> None:
    run_process(target_config, [TAGS, tag_row("old"), tag_row("kept")], tmp_path)

    run_process(target_config, [TAGS, activate("tags", 3), tag_row("kept", version=3)], tmp_path)

    assert tag_rows(database_url) == [("kept", "KEPT", 3, False), ("old", "OLD", None, True)]


def test_a_row_that_comes_back_is_no_longer_marked_deleted(
    target_config, database_url, tmp_path
) -> None:
    run_process(
        target_config,
        [TAGS, activate("tags", 1), tag_row("a", version=1), tag_row("b", version=1)],
        tmp_path,
    )
    run_process(target_config, [TAGS, activate("tags", 2), tag_row("a", version=2)], tmp_path)

    run_process(
        target_config,
        [TAGS, activate("tags", 3), tag_row("a", version=3), tag_row("b", version=3)],
        tmp_path,
    )

    assert tag_rows(database_url) == [("a", "A", 3, False), ("b", "B", 3, False)]


def test_an_interrupted_run_retires_nothing(target_config, database_url, tmp_path) -> None:
    run_process(
        target_config,
        [TAGS, activate("tags", 1), tag_row("a", version=1), tag_row("b", version=1)],
        tmp_path,
    )
    # The tap died after its first record of version 2: its last STATE is not `complete`.
    interrupted = [TAGS, sync_state("full", False), activate("tags", 2), tag_row("a", version=2)]

    done = run_process(target_config, interrupted, tmp_path)

    assert done.returncode == 0, done.stderr
    assert tag_rows(database_url) == [("a", "A", 2, False), ("b", "B", 1, False)]
    assert sync_logs(database_url)[-1]["status"] == "incomplete"


def test_a_version_in_a_batch_stream_applies_to_the_batch_records(
    target_config, database_url, tmp_path
) -> None:
    run_process(
        target_config,
        [TAGS, activate("tags", 1), tag_row("a", version=1), tag_row("b", version=1)],
        tmp_path,
    )
    file = write_jsonl(tmp_path / "t.jsonl", [{"tag_id": "b", "name": "B2"}])

    done = run_process(target_config, [TAGS, activate("tags", 2), batch("tags", [file])], tmp_path)

    assert done.returncode == 0, done.stderr
    assert tag_rows(database_url) == [("a", "A", 1, True), ("b", "B2", 2, False)]


@pytest.mark.parametrize(
    ("message", "named"),
    [
        pytest.param(activate("tags", "two"), "the version must be an integer", id="text"),
        pytest.param(activate("tags", True), "the version must be an integer", id="boolean"),
        pytest.param(activate("nope", 1), "'nope' came before the stream's SCHEMA", id="no-schema"),
    ],
)
def test_a_malformed_activate_version_fails_clearly_and_deletes_nothing(
    target_config, database_url, tmp_path, message, named
) -> None:
    run_process(target_config, [TAGS, tag_row("a"), state({"n": 1})], tmp_path)

    done = run_process(target_config, [TAGS, message, state({"n": 2})], tmp_path)

    assert done.returncode == 1
    assert named in done.stderr
    assert done.states == []
    assert fetch(database_url, "SELECT tag_id FROM intercom_tags") == [("a",)]


def test_a_record_whose_version_is_not_an_integer_fails_clearly(
    target_config, database_url, tmp_path
) -> None:
    bad = {**tag_row("a"), "version": "v2"}

    done = run_process(target_config, [TAGS, tag_row("z"), state({"n": 1}), bad], tmp_path)

    assert done.returncode == 1
    assert "a message of stream 'tags': the version must be an integer, not 'v2'" in done.stderr
    assert done.states == [{"n": 1}]
    assert fetch(database_url, "SELECT tag_id FROM intercom_tags") == [("z",)]


def test_activate_version_can_be_turned_off_and_then_retires_nothing(
    target_config, database_url, tmp_path
) -> None:
    config = {**target_config, "process_activate_version_messages": False}
    run_process(config, [TAGS, tag_row("a"), tag_row("b")], tmp_path)

    done = run_process(config, [TAGS, activate("tags", 2), tag_row("b")], tmp_path)

    assert done.returncode == 0, done.stderr
    assert "ACTIVATE_VERSION of stream tags ignored" in done.stderr
    assert fetch(database_url, "SELECT tag_id FROM intercom_tags ORDER BY 1") == [("a",), ("b",)]


# --- overwrite ---


def overwrite(config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "load_method": "overwrite"}


def test_a_partial_run_never_replaces_an_overwritten_table(
    target_config, database_url, tmp_path
) -> None:
    config = overwrite(target_config)
    full = [CONVERSATIONS, sync_state("full", False), conversation("1", 1), conversation("2", 1)]
    run_process(config, [*full, sync_state("full", True)], tmp_path)
    for kind in ("conversations", "date_range", "incremental"):
        one = [CONVERSATIONS, sync_state(kind, False), conversation("2", 5), sync_state(kind, True)]

        done = run_process(config, one, tmp_path)

        assert done.returncode == 0, done.stderr
        assert titles(database_url) == [("1", "1 v1"), ("2", "2 v5")], kind
        assert "was not replaced" in done.stderr
        assert done.states[-1]["sync"]["complete"] is True


def test_an_interrupted_overwrite_run_merges_and_deletes_nothing(
    target_config, database_url, tmp_path
) -> None:
    config = overwrite(target_config)
    run_process(config, [CONVERSATIONS, conversation("1", 1), conversation("2", 1)], tmp_path)
    died = [CONVERSATIONS, sync_state("full", False), conversation("2", 4)]

    done = run_process(config, died, tmp_path)

    assert done.returncode == 0, done.stderr
    assert titles(database_url) == [("1", "1 v1"), ("2", "2 v4")]
    assert "the tap did not finish" in done.stderr


def test_a_stream_with_activate_version_replaces_its_table_even_in_an_incremental_run(
    target_config, database_url, tmp_path
) -> None:
    config = overwrite(target_config)
    before = [TAGS, tag_row("a"), tag_row("b"), CONVERSATIONS, conversation("1", 1)]
    run_process(config, before, tmp_path)
    run = [TAGS, sync_state("incremental", False), activate("tags", 5), tag_row("b", version=5)]
    run += [CONVERSATIONS, conversation("2", 1), sync_state("incremental", True)]

    done = run_process(config, run, tmp_path)

    assert done.returncode == 0, done.stderr
    assert fetch(database_url, "SELECT tag_id FROM intercom_tags") == [("b",)]
    # Conversations sent no version: an incremental run has only the changed ones.
    assert titles(database_url) == [("1", "1 v1"), ("2", "2 v1")]


def test_overwrite_prints_no_state_and_readers_see_the_old_rows_until_the_end(
    target_config, database_url, tmp_path
) -> None:
    config = {**overwrite(target_config), "batch_size_rows": 1}
    run_process(config, [CONVERSATIONS, conversation("1", 1)], tmp_path)
    config_file = tmp_path / "live.json"
    config_file.write_text(json.dumps(config))
    process = subprocess.Popen(
        [str(TARGET_BIN), "--config", str(config_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    rows = [conversation(str(n), 2) for n in range(2, 8)]
    process.stdin.write(
        as_lines([CONVERSATIONS, sync_state("full", False), *rows, state({"x": 1})])
    )
    process.stdin.flush()
    staged = 'SELECT count(*) FROM "_stage_intercom_conversations"'
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _count(database_url, staged) < 6:
        time.sleep(0.1)

    # Six rows committed to the staging table, none visible, no state printed.
    assert _count(database_url, staged) == 6
    assert titles(database_url) == [("1", "1 v1")]
    out, err = process.communicate(as_lines([sync_state("full", True)]), timeout=60)

    assert process.returncode == 0, err
    assert [json.loads(line)["sync"]["complete"] for line in out.splitlines()] == [True]
    assert [cid for cid, _ in titles(database_url)] == [str(n) for n in range(2, 8)]


def test_an_overwrite_run_sets_aside_a_row_postgresql_refuses_and_replaces_with_the_rest(
    target_config, database_url, tmp_path
) -> None:
    config = {**overwrite(target_config), "validate_records": False}
    run_process(config, [CONVERSATIONS, conversation("1", 1)], tmp_path)
    refused = conversation("2", 2)
    refused["record"]["created_at"] = "2024-01-01T10:00:00+20:00"
    run = [CONVERSATIONS, sync_state("full", False), refused, conversation("3", 2)]

    done = run_process(config, [*run, sync_state("full", True)], tmp_path)

    assert done.returncode == 0, done.stderr
    assert titles(database_url) == [("3", "3 v2")]
    [(stream, row, error)] = rejected(database_url)
    assert (stream, row["conversation_id"]) == ("conversations", "2")
    assert error.startswith("PostgreSQL refused the row: time zone displacement")


def test_a_staging_table_is_no_more_open_to_the_data_api_than_the_table(
    target_config, database_url, tmp_path
) -> None:
    # A new project's defaults (no privileges for the API roles on new tables); the staging
    # table a failed run leaves behind gets what every table the target creates gets.
    execute(
        database_url,
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES "
        "FROM anon, authenticated, service_role",
    )
    broken = [CONVERSATIONS, sync_state("full", False), conversation("1", 1), "{broken"]

    assert run_process(overwrite(target_config), broken, tmp_path).returncode == 1

    stage = "public._stage_intercom_conversations"
    for role in ("anon", "authenticated"):
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER"):
            query = f"SELECT has_table_privilege('{role}', '{stage}', '{privilege}')"
            assert fetch(database_url, query) == [(False,)], (role, privilege)
    query = f"SELECT has_table_privilege('service_role', '{stage}', 'SELECT')"
    assert fetch(database_url, query) == [(True,)]
    assert fetch(
        database_url, f"SELECT relrowsecurity FROM pg_class WHERE oid = '{stage}'::regclass"
    ) == [(True,)]


def execute(url: str, statement: str) -> None:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(statement)
        conn.commit()


def _count(url: str, query: str) -> int:
    try:
        return int(fetch(url, query)[0][0])
    except Exception:  # the staging table may not exist yet
        return 0


def test_a_deletion_in_an_overwrite_run_survives_the_replacement(
    target_config, database_url, tmp_path
) -> None:
    config = overwrite(target_config)
    deletion = record("deleted_conversations", conversation_id="2", deleted_at=hour(9))
    run = [CONVERSATIONS, sync_state("full", False), conversation("1", 1), conversation("2", 1)]
    run += [DELETED, deletion, sync_state("full", True)]

    done = run_process(config, run, tmp_path)

    assert done.returncode == 0, done.stderr
    query = "SELECT conversation_id, deleted_at IS NOT NULL FROM intercom_conversations ORDER BY 1"
    assert fetch(database_url, query) == [("1", False), ("2", True)]


SNAPSHOT = schema_message(
    "contact_ids_snapshot",
    {
        "snapshot_id": {"type": "string"},
        "object_id": {"type": ["string", "null"]},
        "merged_into_id": {"type": ["string", "null"]},
        "complete": {"type": "boolean"},
        "live_count": {"type": ["integer", "null"]},
        "listed_from": {"type": ["string", "null"], "format": "date-time"},
    },
)


def test_a_deletion_check_in_an_overwrite_run_survives_the_replacement(
    target_config, database_url, tmp_path
) -> None:
    config = overwrite(target_config)
    contacts = [record("contacts", contact_id=cid, email=None) for cid in ("u1", "u2")]
    run_process(config, [CONTACTS, *contacts, sync_state("full", True)], tmp_path)
    # u2 was read, then deleted before the id listing: the complete snapshot holds u1 only.
    snapshot = [
        SNAPSHOT,
        record("contact_ids_snapshot", snapshot_id="s1", object_id="u1"),
        record("contact_ids_snapshot", snapshot_id="s1", complete=True, live_count=1),
    ]
    run = [CONTACTS, sync_state("full", False), *contacts, *snapshot, sync_state("full", True)]

    done = run_process(config, run, tmp_path)

    assert done.returncode == 0, done.stderr
    query = "SELECT contact_id, deleted_at IS NOT NULL FROM intercom_users ORDER BY 1"
    assert fetch(database_url, query) == [("u1", False), ("u2", True)]


def test_a_failed_overwrite_run_leaves_the_table_and_the_next_run_starts_clean(
    target_config, database_url, tmp_path
) -> None:
    config = {**overwrite(target_config), "batch_size_rows": 1}
    run_process(config, [CONVERSATIONS, conversation("1", 1)], tmp_path)
    broken = [CONVERSATIONS, sync_state("full", False), conversation("2", 1), state({"x": 1})]
    broken += [conversation("4", 1), "{broken"]

    failed = run_process(config, broken, tmp_path)

    assert failed.returncode == 1
    assert titles(database_url) == [("1", "1 v1")]
    full = [
        CONVERSATIONS,
        sync_state("full", False),
        conversation("3", 1),
        sync_state("full", True),
    ]
    done = run_process(config, full, tmp_path)
    assert done.returncode == 0, done.stderr
    assert titles(database_url) == [("3", "3 v1")]


# --- reserved names ---


@pytest.mark.parametrize(
    ("stream", "settings", "table"),
    [
        pytest.param("sync_logs", {}, "intercom_sync_logs", id="sync-logs"),
        pytest.param("rejected_records", {}, "intercom_rejected_records", id="rejected"),
        pytest.param("webhook_events", {}, "intercom_webhook_events", id="webhook-events"),
        pytest.param("id_snapshots", {}, "intercom_id_snapshots", id="id-snapshots"),
        pytest.param(
            "logs", {"table_names": {"logs": "sync_logs"}}, "intercom_sync_logs", id="renamed"
        ),
        pytest.param("sync_logs", {"table_prefix": ""}, "sync_logs", id="no-prefix"),
        pytest.param("_stage_x", {"table_prefix": ""}, "_stage_x", id="staging-name"),
    ],
)
def test_a_stream_that_would_load_into_the_targets_own_table_is_refused(
    target_config, database_url, tmp_path, stream, settings, table
) -> None:
    config = {**target_config, **settings}
    hostile = schema_message(
        stream, {"id": {"type": "integer"}, "status": {"type": "string"}}, ["id"]
    )

    done = run_process(
        config, [hostile, record(stream, id=1, status="owned"), state({"n": 1})], tmp_path
    )

    assert done.returncode == 1
    assert f"Stream '{stream}' would load into table public.{table}" in done.stderr
    assert "`table_names`" in done.stderr
    assert done.states == []
    prefix = settings.get("table_prefix", "intercom_")
    logs = sync_logs(database_url, f"{prefix}sync_logs")
    assert [log["status"] for log in logs] == ["failed"]
    assert fetch(database_url, f'SELECT count(*) FROM "{prefix}rejected_records"') == [(0,)]


def test_a_reserved_stream_is_refused_and_loads_once_renamed_with_table_names(
    target_config, database_url, tmp_path
) -> None:
    hostile = schema_message("sync_logs", {"id": {"type": "integer"}}, ["id"])
    messages = [hostile, record("sync_logs", id=1), state({"n": 1})]
    refused = run_process(target_config, messages, tmp_path)
    assert refused.returncode == 1
    assert '{"sync_logs": "sync_logs_records"}' in refused.stderr

    config = {**target_config, "table_names": {"sync_logs": "sync_logs_records"}}
    done = run_process(config, messages, tmp_path)

    assert done.returncode == 0, done.stderr
    assert fetch(database_url, "SELECT id FROM intercom_sync_logs_records") == [(1,)]
    assert [log["status"] for log in sync_logs(database_url)] == ["failed", "success"]


# --- tap-intercom → target-supabase ---

TAP_BIN = TARGET_BIN.parent / "tap-intercom"


def run_tap(fake: Any, tmp_path: Path, state_value: Any = None, **settings: Any) -> list[str]:
    """The tap's output lines (run as a process, as the pipe does)."""
    config = {"access_token": fake.token, "api_url": fake.url, "max_workers": 2, **settings}
    config_file = tmp_path / "tap.json"
    config_file.write_text(json.dumps(config))
    args = [str(TAP_BIN), "--config", str(config_file)]
    if state_value is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state_value))
        args += ["--state", str(state_file)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def count(url: str, table: str) -> int:
    return int(fetch(url, f'SELECT count(*) FROM "{table}"')[0][0])


def test_the_taps_batch_config_loads_end_to_end(
    fake_intercom, target_config, database_url, tmp_path
) -> None:
    fake = fake_intercom(seed=61, conversations=6, contacts=7, companies=3, tickets=3)
    batch_config = {
        "encoding": {"format": "jsonl", "compression": "gzip"},
        "storage": {"root": (tmp_path / "batches").as_uri(), "prefix": "intercom-"},
    }
    lines = run_tap(fake, tmp_path, batch_config=batch_config)
    batched = {json.loads(line)["stream"] for line in lines if '"type":"BATCH"' in line}
    assert {"contacts", "companies", "tickets", "admins", "tags"} <= batched
    assert "conversations" not in batched  # parent-first order: RECORD messages
    messages = [json.loads(line) for line in lines]
    for stream in ("contacts", "companies", "tickets"):
        # No STATE moves a bookmark over records still waiting in a file.
        first_batch = next(
            i for i, m in enumerate(messages) if m["type"] == "BATCH" and m["stream"] == stream
        )
        first_bookmark = next(
            i
            for i, m in enumerate(messages)
            if m["type"] == "STATE"
            and (m["value"].get("bookmarks", {}).get(stream) or {}).get("replication_key_value")
        )
        assert first_batch < first_bookmark, stream

    done = run_process(target_config, lines, tmp_path)

    assert done.returncode == 0, done.stderr
    truth = fake.truth()
    assert count(database_url, "intercom_users") == len(truth.contacts)
    assert count(database_url, "intercom_companies") == len(truth.companies)
    assert count(database_url, "intercom_tickets") == len(truth.tickets)
    assert count(database_url, "intercom_admins") == len(truth.admins)
    assert count(database_url, "intercom_tags") == len(truth.tags)
    assert count(database_url, "intercom_conversations") == len(truth.conversations)
    final = done.states[-1]
    assert final["sync"]["complete"] is True
    for stream in ("contacts", "companies", "tickets", "conversations"):
        assert final["bookmarks"][stream]["replication_key_value"], stream
    assert sync_logs(database_url)[-1]["status"] == "success"


def test_a_stream_skipped_halfway_with_batch_config_states_no_bookmark_before_its_batch(
    fake_intercom, target_config, database_url, tmp_path
) -> None:
    fake = fake_intercom(seed=64, conversations=2, contacts=7, companies=1, tickets=1)
    searches = 0
    serve = fake.after_request

    def revoke_after_two_pages(path: str) -> None:
        # The permission goes while the tap reads contacts (an admin edits the app).
        nonlocal searches
        serve(path)
        searches += path == "/contacts/search"
        if searches == 2:
            fake.deny("contacts")

    fake.after_request = revoke_after_two_pages  # type: ignore[method-assign]
    batch_config = {
        "encoding": {"format": "jsonl", "compression": "none"},
        "storage": {"root": (tmp_path / "batches").as_uri(), "prefix": "intercom-"},
    }
    lines = run_tap(fake, tmp_path, batch_config=batch_config, page_size=2)
    messages = [json.loads(line) for line in lines]

    first_batch = next(
        i for i, m in enumerate(messages) if m["type"] == "BATCH" and m["stream"] == "contacts"
    )
    for message in messages[:first_batch]:
        if message["type"] == "STATE":
            assert "contacts" not in message["value"].get("bookmarks", {}), message
    final = messages[-1]["value"]
    assert set(final["sync"]["skipped_streams"]) == {"contacts", "contact_ids_snapshot"}
    done = run_process(overwrite(target_config), lines, tmp_path)
    assert done.returncode == 0, done.stderr
    assert count(database_url, "intercom_users") == 4  # the two pages read before the skip
    assert sync_logs(database_url)[-1]["status"] == "partial"


@pytest.mark.parametrize("hard_delete", [False, True], ids=["soft", "hard"])
def test_a_tag_deleted_in_intercom_leaves_supabase_after_the_next_run(
    fake_intercom, target_config, database_url, tmp_path, hard_delete
) -> None:
    fake = fake_intercom(seed=62, conversations=3, contacts=3, companies=2, tickets=1)
    doomed = fake.workspace.add_tag("Temporary")
    config = {**target_config, "hard_delete": hard_delete}
    first = run_process(config, run_tap(fake, tmp_path), tmp_path)
    assert first.returncode == 0, first.stderr
    assert fetch(database_url, "SELECT name FROM intercom_tags WHERE tag_id = %s", [doomed])

    fake.workspace.delete_tag(doomed)
    done = run_process(config, run_tap(fake, tmp_path, first.states[-1]), tmp_path)

    assert done.returncode == 0, done.stderr
    rows = fetch(
        database_url, "SELECT to_jsonb(t) FROM intercom_tags t WHERE tag_id = %s", [doomed]
    )
    if hard_delete:
        assert rows == []
    else:
        [(row,)] = rows
        assert row["_sdc_deleted_at"] is not None
    live = "SELECT count(*) FROM intercom_tags WHERE tag_id <> %s"
    assert fetch(database_url, live, [doomed]) == [(len(fake.truth().tags),)]


def test_a_one_conversation_run_in_overwrite_mode_empties_no_table(
    fake_intercom, target_config, database_url, tmp_path
) -> None:
    fake = fake_intercom(seed=63, conversations=4, contacts=4, companies=2, tickets=2)
    config = overwrite(target_config)
    assert run_process(config, run_tap(fake, tmp_path), tmp_path).returncode == 0
    before = {
        table: count(database_url, table)
        for table in (
            "intercom_users",
            "intercom_admins",
            "intercom_tags",
            "intercom_conversations",
            "intercom_messages",
        )
    }
    one = sorted(fake.truth().conversations)[0]

    lines = run_tap(fake, tmp_path, conversation_ids=[one])
    assert not [line for line in lines if '"ACTIVATE_VERSION"' in line]
    done = run_process(config, lines, tmp_path)

    assert done.returncode == 0, done.stderr
    after = {table: count(database_url, table) for table in before}
    assert after == before
    assert all(value > 0 for value in after.values())
