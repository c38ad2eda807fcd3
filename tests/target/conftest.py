"""Fixtures of the target's tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def target_config(database_url: str) -> dict[str, Any]:
    """The target's defaults, pointed at a fresh database, checkpointing at every STATE."""
    return {"database_url": database_url, "batch_max_seconds": 0}
