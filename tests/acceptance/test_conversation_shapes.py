"""Teammates under `admins`, part counts that include the source message.

Each test reads what a user would see of one full run against the real-shaped fake (conftest.py).
"""

from __future__ import annotations

from collections import Counter

from acceptance.tap_process import TapRun
from acceptance.workspace import (
    NO_PARTS,
    NO_STATISTICS,
    ONE_PART,
    RETURNED_PARTS_LIMIT,
    TRUNCATED,
    TRUNCATED_PARTS,
    TWO_TEAMMATES,
    Workspace,
)


def test_teammates_are_read_from_the_admins_key(full_run: TapRun) -> None:
    conversations = full_run.by_id("conversations", "conversation_id")

    assert conversations[TWO_TEAMMATES]["teammates"] == [
        {"type": "admin", "id": "1"},
        {"type": "admin", "id": "2"},
    ]
    assert conversations[NO_PARTS]["teammates"] == []
    # Every conversation with teammates has them, none is null for want of the spec's key.
    with_teammates = [c for c in conversations.values() if c["conversation_id"] != NO_STATISTICS]
    assert all(c["teammates"] is not None for c in with_teammates)


def test_part_counts_do_not_count_the_source_message(
    full_run: TapRun, workspace: Workspace
) -> None:
    conversations = full_run.by_id("conversations", "conversation_id")
    emitted_parts = Counter(p["conversation_id"] for p in full_run.records("conversation_parts"))

    for conversation_id, record in conversations.items():
        held = workspace.part_count(conversation_id)
        assert record["parts_total_count"] == held, conversation_id
        returned = min(held, RETURNED_PARTS_LIMIT)
        assert record["parts_returned_count"] == returned, conversation_id
        assert emitted_parts[conversation_id] == returned, conversation_id
        assert record["parts_truncated"] is (conversation_id == TRUNCATED), conversation_id
    assert conversations[NO_PARTS]["parts_total_count"] == 0
    assert conversations[ONE_PART]["parts_truncated"] is False


def test_only_a_conversation_beyond_500_parts_is_flagged_with_a_warning(full_run: TapRun) -> None:
    truncated = full_run.by_id("conversations", "conversation_id")[TRUNCATED]
    assert truncated["parts_total_count"] == TRUNCATED_PARTS

    warnings = full_run.warnings("parts_truncated")
    assert len(warnings) == 1, warnings
    assert f"Conversation {TRUNCATED} has {TRUNCATED_PARTS} parts" in warnings[0]
    assert f"returned only {RETURNED_PARTS_LIMIT}" in warnings[0]


def test_the_run_ends_complete(full_run: TapRun) -> None:
    assert full_run.final_state["sync"]["complete"] is True
    assert "Traceback" not in full_run.stderr
