"""Every field Intercom sends for a contact lands in a column, or is reported; a
contact's notes beyond the first page are fetched.

The contact fields are those of the spec 2.16 example contact (L8060-8150), plus `sms_consent`,
which the service sends and none of 2.14-2.16 describes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from acceptance.real_intercom import RealIntercom
from acceptance.tap_process import TapRun, config_for, run_tap
from acceptance.workspace import MANY_NOTES, MARKETING, NOTES_COUNT, Workspace

MARKETING_FIELDS = ("utm_campaign", "utm_content", "utm_medium", "utm_source", "utm_term")
# Intercom's field -> the column it lands in, where the names differ.
RENAMED = {"id": "contact_id"}


def test_marketing_fields_and_subscription_types_are_kept(
    full_run: TapRun, workspace: Workspace
) -> None:
    sent = workspace.contacts[MARKETING]
    record = full_run.by_id("contacts", "contact_id")[MARKETING]

    for field in (*MARKETING_FIELDS, "referrer"):
        assert record[field] == sent[field], field
    assert record["opted_in_subscription_types"]["data"] == [
        {"type": "subscription", "id": "sub-1"}
    ]
    assert record["opted_out_subscription_types"]["data"] == []


def test_every_field_sent_is_stored_or_reported(full_run: TapRun, workspace: Workspace) -> None:
    record = full_run.by_id("contacts", "contact_id")[MARKETING]

    unstored = [
        field for field in workspace.contacts[MARKETING] if RENAMED.get(field, field) not in record
    ]

    assert unstored == ["sms_consent"]
    [warning] = full_run.warnings("contacts.sms_consent:")
    assert "not stored" in warning


def test_notes_beyond_the_first_page_are_fetched(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()

    run = run_tap(tmp_path, config_for(fake))

    notes = run.by_id("contacts", "contact_id")[MANY_NOTES]["notes"]
    assert len({note["id"] for note in notes["data"]}) == NOTES_COUNT
    assert notes["has_more"] is False
    # 60 notes at 50 a page: two requests, and none for contacts with all notes embedded.
    assert fake.count("/contacts/") - fake.count("/contacts/search") == 2
