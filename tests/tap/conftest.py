"""Fixtures of the tap's tests: a fake Intercom shared by all tests of one module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec


@pytest.fixture(scope="module")
def module_fake() -> Iterator[Callable[..., FakeIntercom]]:
    """Like `fake_intercom`, but lives as long as the test module (one tap run, many checks)."""
    started: list[FakeIntercom] = []

    def start(spec: WorkspaceSpec, **options: Any) -> FakeIntercom:
        fake = FakeIntercom(spec, **options)
        fake.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()
