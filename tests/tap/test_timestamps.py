"""Timestamps become ISO-8601 UTC strings; other units are converted, implausible values nulled."""

from __future__ import annotations

from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom
from tap_intercom.timestamps import to_iso
from taprun import catalog_selecting, config_for, run_tap


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(1_700_000_000, "2023-11-14T22:13:20+00:00", id="seconds"),
        pytest.param(1_700_000_000_123, "2023-11-14T22:13:20.123000+00:00", id="milliseconds"),
        pytest.param(1_700_000_000_123_456, "2023-11-14T22:13:20.123456+00:00", id="microseconds"),
        pytest.param(0, "1970-01-01T00:00:00+00:00", id="the epoch"),
        pytest.param(None, None, id="null"),
        pytest.param(1_700_000_000_000_000_000, None, id="nanoseconds: out of range"),
        pytest.param(-86_400, None, id="before 1970"),
        pytest.param(9_000_000_000, None, id="seconds after 2200"),
        pytest.param(float("inf"), None, id="infinite"),
    ],
)
def test_to_iso(value: float | None, expected: str | None) -> None:
    assert to_iso(value) == expected


def test_odd_timestamps_keep_the_contact_and_warn_once_per_field(
    fake_intercom, tmp_path: Path
) -> None:
    fake: FakeIntercom = fake_intercom(seed=4, conversations=2, contacts=6, odd_timestamps=3)
    config = config_for(fake)

    output = run_tap(tmp_path, config, None, *catalog_selecting(tmp_path, config, {"contacts"}))

    truth = fake.truth().contacts
    records = {r["contact_id"]: r for r in output.records["contacts"]}
    assert set(records) == set(truth)  # no contact lost
    odd = [cid for cid, c in truth.items() if c["last_contacted_at"] is not None]
    assert len(odd) == 3
    for cid in odd:
        created = truth[cid]["created_at"]
        assert records[cid]["signed_up_at"] == to_iso(created + 0.123)
        assert records[cid]["last_seen_at"] == to_iso(created + 0.456789)
        assert records[cid]["last_contacted_at"] is None
        assert records[cid]["created_at"] == to_iso(created)
    for field, words in (
        ("signed_up_at", "in milliseconds, not seconds"),
        ("last_seen_at", "in microseconds, not seconds"),
        ("last_contacted_at", "stored as null, the record is kept"),
    ):
        warnings = [line for line in output.stderr.splitlines() if f"contacts.{field}:" in line]
        assert len(warnings) == 1, (field, warnings)
        assert words in warnings[0]
