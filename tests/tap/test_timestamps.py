"""Timestamps become ISO-8601 UTC strings; 13-digit values are read as milliseconds."""

from __future__ import annotations

import pytest
from tap_intercom.timestamps import to_iso


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(1_700_000_000, "2023-11-14T22:13:20+00:00", id="seconds"),
        pytest.param(1_700_000_000_123, "2023-11-14T22:13:20.123000+00:00", id="milliseconds"),
        pytest.param(None, None, id="null"),
    ],
)
def test_to_iso(value: int | None, expected: str | None) -> None:
    assert to_iso(value) == expected
