"""Timestamps in milliseconds, microseconds or out of any sane range never crash a
stream: the record is kept, the value is read in its unit or stored as null, one warning a field.

Milliseconds come from client-supplied values (singer-io/tap-intercom PRs #10 and #12); the fake
plants them, microseconds and impossible values on contacts, a conversation and a part.
"""

from __future__ import annotations

from datetime import datetime, timezone

from acceptance.tap_process import TapRun
from acceptance.workspace import DAY, MS_SIGNUP, ODD_TIMESTAMPS, OUT_OF_RANGE, US_SEEN, Workspace


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()


def test_every_record_with_an_odd_timestamp_is_kept(full_run: TapRun, workspace: Workspace) -> None:
    assert set(full_run.by_id("contacts", "contact_id")) == set(workspace.contacts)
    assert set(full_run.by_id("conversations", "conversation_id")) == set(workspace.conversations)
    assert full_run.final_state["sync"]["complete"] is True


def test_milliseconds_and_microseconds_are_read_in_their_unit(
    full_run: TapRun, workspace: Workspace
) -> None:
    contacts = full_run.by_id("contacts", "contact_id")

    for contact_id in MS_SIGNUP:
        assert contacts[contact_id]["signed_up_at"] == iso(workspace.anchor - 400 * DAY)
    assert contacts[US_SEEN]["last_seen_at"] == iso(workspace.anchor - 2 * DAY)
    first_part = workspace.conversations[ODD_TIMESTAMPS]["_all_parts"][0]
    parts = full_run.by_id("conversation_parts", "message_id")
    assert parts[first_part["id"]]["created_at"] == iso(first_part["created_at"] // 1000)


def test_impossible_values_become_null(full_run: TapRun) -> None:
    contacts = full_run.by_id("contacts", "contact_id")
    conversations = full_run.by_id("conversations", "conversation_id")

    assert contacts[OUT_OF_RANGE]["last_email_opened_at"] is None  # -1
    assert contacts[OUT_OF_RANGE]["last_contacted_at"] is None  # year 5138
    assert conversations[ODD_TIMESTAMPS]["snoozed_until"] is None  # year 9999, microseconds
    # The other timestamps of those records are untouched.
    assert contacts[OUT_OF_RANGE]["updated_at"] is not None
    assert conversations[ODD_TIMESTAMPS]["created_at"] is not None


def test_one_warning_per_field(full_run: TapRun) -> None:
    # Two contacts carry signed_up_at in milliseconds: one warning.
    for field in (
        "contacts.signed_up_at",
        "contacts.last_seen_at",
        "contacts.last_email_opened_at",
        "contacts.last_contacted_at",
        "conversations.snoozed_until",
        "conversation_parts.created_at",
    ):
        assert len(full_run.warnings(f"{field}:")) == 1, field
    [signed_up] = full_run.warnings("contacts.signed_up_at:")
    assert "milliseconds" in signed_up
    [snoozed] = full_run.warnings("conversations.snoozed_until:")
    assert "null" in snoozed
