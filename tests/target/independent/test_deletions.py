"""Deletion streams fed hostile records: a soft delete (`deleted_conversations`) and an id
snapshot (`contact_ids_snapshot`) whose ids are null, missing or hold NUL characters. Such a
record is set aside; a snapshot it belonged to marks nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from target.support import record, schema_message, state

from .kit import last_log, ok, rejected, rows, run

SNAPSHOT_SCHEMA = json.loads(
    (Path(__file__).parents[3] / "schemas" / "contact_ids_snapshot.json").read_text()
)
SNAPSHOT = "contact_ids_snapshot"
OLD = "2020-01-01T00:00:00Z"
LISTED = "2026-01-01T00:00:00Z"  # rows updated after the listing began are left alone


def _contacts(config: dict[str, Any], tmp_path: Path) -> None:
    schema = schema_message(
        "contacts",
        {"contact_id": {"type": "string"}, "updated_at": {"type": "string", "format": "date-time"}},
        keys=["contact_id"],
    )
    rows_in = [record("contacts", contact_id=c, updated_at=OLD) for c in ("a", "b")]
    ok(run(config, [schema, *rows_in], tmp_path))


def _snapshot(*records: dict[str, Any], live_count: int) -> list[dict[str, Any]]:
    schema = {"type": "SCHEMA", "stream": SNAPSHOT, "schema": SNAPSHOT_SCHEMA, "key_properties": []}
    closing = record(
        SNAPSHOT, snapshot_id="s1", complete=True, live_count=live_count, listed_from=LISTED
    )
    body = [{"type": "RECORD", "stream": SNAPSHOT, "record": r} for r in records]
    return [schema, *body, closing, state({"checked": 1})]


def test_complete_snapshot_marks_the_absent_row(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """The control case: `b` is absent from a complete snapshot and gets `deleted_at`."""
    url = target_config["database_url"]
    _contacts(target_config, tmp_path)
    done = ok(
        run(
            target_config,
            _snapshot({"snapshot_id": "s1", "object_id": "a"}, live_count=1),
            tmp_path,
        )
    )
    assert done.states == [{"checked": 1}]
    marked = rows(url, "contact_id, deleted_at IS NOT NULL", table="intercom_users")
    assert marked == [("a", False), ("b", True)]


@pytest.mark.parametrize(
    "bad",
    [
        {"snapshot_id": "s1", "object_id": "b\x00"},
        {"snapshot_id": "s1", "object_id": None},
        {"snapshot_id": "s1"},
        {"object_id": "b"},
        {"snapshot_id": "s1", "object_id": "b", "merged_into_id": "a\x00"},
    ],
)
def test_snapshot_id_that_cannot_be_stored_is_set_aside_and_marks_nothing(
    target_config: dict[str, Any], tmp_path: Path, bad: dict[str, Any]
) -> None:
    url = target_config["database_url"]
    _contacts(target_config, tmp_path)
    messages = _snapshot({"snapshot_id": "s1", "object_id": "a"}, bad, live_count=2)
    for run_number in (1, 2):  # the same input again: never a run that cannot finish
        done = ok(run(target_config, messages, tmp_path))
        assert "Traceback" not in done.stderr
        assert done.states == [{"checked": 1}]
        marked = rows(url, "contact_id, deleted_at IS NOT NULL", table="intercom_users")
        assert marked == [("a", False), ("b", False)]
        found = rejected(url)
        assert len(found) == run_number
        assert found[-1][0] == SNAPSHOT
        assert "nothing marked" in done.stderr
    assert last_log(url)["rejected_records"] == 1


@pytest.mark.parametrize("conversation_id", ["c\x00", None])
def test_soft_delete_with_an_unusable_key_is_set_aside(
    target_config: dict[str, Any], tmp_path: Path, conversation_id: Any
) -> None:
    url = target_config["database_url"]
    conversations = schema_message(
        "conversations", {"conversation_id": {"type": "string"}}, ["conversation_id"]
    )
    deleted = schema_message(
        "deleted_conversations",
        {
            "conversation_id": {"type": ["string", "null"]},
            "deleted_at": {"type": "string", "format": "date-time"},
        },
    )
    messages = [
        conversations,
        record("conversations", conversation_id="c"),
        record("conversations", conversation_id="d"),
        deleted,
        record("deleted_conversations", conversation_id=conversation_id, deleted_at=OLD),
        record("deleted_conversations", conversation_id="d", deleted_at=OLD),
        state({"d": 1}),
    ]
    done = ok(run(target_config, messages, tmp_path))
    assert "Traceback" not in done.stderr
    assert done.states == [{"d": 1}]
    marked = rows(url, "conversation_id, deleted_at IS NOT NULL", table="intercom_conversations")
    assert marked == [("c", False), ("d", True)]
    ((stream, _, error),) = rejected(url)
    assert stream == "deleted_conversations"
    assert "conversation_id" in error
