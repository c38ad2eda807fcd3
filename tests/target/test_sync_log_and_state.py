"""STATE only after commit, checkpoints on time or rows, and the sync log's row per run."""

from __future__ import annotations

from target.intercom_messages import (
    CONTACTS,
    CONVERSATIONS,
    PARTS,
    TAGS,
    conversation,
    part,
    sync_state,
    tag,
)
from target.support import fetch, record, run_in_process, state, sync_logs


def test_a_complete_run_is_logged_as_success_with_its_counts(target_config, database_url) -> None:
    messages = [CONVERSATIONS, PARTS, TAGS, CONTACTS, conversation("1", 1), part("m1", "1")]
    messages += [part("m2", "1"), tag("1", "a"), record("contacts", contact_id="u1", email=None)]
    messages += [sync_state("incremental", complete=False), sync_state("incremental", True)]
    states = run_in_process(target_config, messages)
    assert states[-1]["sync"]["complete"] is True
    [log] = sync_logs(database_url)
    assert log["status"] == "success"
    assert log["sync_type"] == "incremental"
    assert log["run_id"] == "r1"
    counts = (log["conversations_synced"], log["messages_synced"], log["users_synced"])
    assert counts == (1, 2, 1)
    assert log["records_by_stream"] == {
        "conversations": 1,
        "conversation_parts": 2,
        "conversation_tags": 1,
        "contacts": 1,
    }
    assert log["state"] == states[-1]
    assert log["completed_at"] >= log["started_at"]


def test_input_ending_without_the_end_marker_is_incomplete(target_config, database_url) -> None:
    run_in_process(
        target_config, [CONVERSATIONS, conversation("1", 1), sync_state("full", complete=False)]
    )
    [log] = sync_logs(database_url)
    assert (log["status"], log["sync_type"]) == ("incomplete", "full")


def test_a_tap_without_marker_is_a_successful_unknown_sync(target_config, database_url) -> None:
    run_in_process(target_config, [CONVERSATIONS, conversation("1", 1), state({"b": 1})])
    [log] = sync_logs(database_url)
    assert (log["status"], log["sync_type"]) == ("success", "unknown")


def test_the_users_monitoring_queries_work(target_config, database_url) -> None:
    for kind in ("full", "incremental", "incremental"):
        messages = [CONVERSATIONS, PARTS, conversation(kind, 1), part(f"{kind}-m", kind)]
        run_in_process(target_config, [*messages, sync_state(kind, complete=True)])
    latest = fetch(
        database_url, "SELECT * FROM intercom_sync_logs ORDER BY started_at DESC LIMIT 10"
    )
    assert len(latest) == 3
    sums = fetch(
        database_url,
        "SELECT sync_type, sum(conversations_synced) AS conversations, "
        "sum(messages_synced) AS messages FROM intercom_sync_logs GROUP BY sync_type ORDER BY 1",
    )
    assert [(kind, int(c), int(m)) for kind, c, m in sums] == [
        ("full", 1, 1),
        ("incremental", 2, 2),
    ]


def test_checkpoints_wait_for_the_row_count(target_config, database_url) -> None:
    config = {**target_config, "batch_max_seconds": 3600, "checkpoint_rows": 2}
    messages = [CONVERSATIONS, conversation("1", 1), state({"n": 1}), conversation("2", 1)]
    messages += [state({"n": 2}), conversation("3", 1), state({"n": 3}), state({"n": 4})]
    # Due after 2 rows (n=2), then nothing new is due until the end, which emits the last one.
    assert run_in_process(config, messages) == [{"n": 2}, {"n": 4}]


def test_every_due_state_is_emitted_after_its_rows_are_committed(
    target_config, database_url
) -> None:
    messages = [CONVERSATIONS, conversation("1", 1), state({"n": 1}), state({"n": 1})]
    messages += [conversation("2", 1), state({"n": 2})]
    assert run_in_process(target_config, messages) == [{"n": 1}, {"n": 2}]
    [log] = sync_logs(database_url)
    assert log["state"] == {"n": 2}


def test_empty_input_is_incomplete_not_a_success(target_config, database_url) -> None:
    assert run_in_process(target_config, []) == []
    [log] = sync_logs(database_url)
    assert (log["status"], log["error_message"]) == ("incomplete", "the input was empty")
