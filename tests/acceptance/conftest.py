"""A fresh fake of the real Intercom per test, with a small workspace anchored at the present."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from acceptance.real_intercom import RealIntercom
from acceptance.tap_process import TapRun, config_for, run_tap
from acceptance.workspace import Workspace, build


@pytest.fixture
def real_intercom() -> Iterator[Callable[..., RealIntercom]]:
    started: list[RealIntercom] = []

    def start(**options: Any) -> RealIntercom:
        shape = {
            key: options.pop(key)
            for key in ("deleted_conversations", "companies", "company_bytes")
            if key in options
        }
        fake = RealIntercom(build(int(time.time()), **shape), **options).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


@pytest.fixture(scope="session")
def workspace() -> Workspace:
    """The workspace of `full_run`: what Intercom holds, to compare the records with."""
    return build(int(time.time()))


@pytest.fixture(scope="session")
def full_run(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TapRun]:
    """One full sync of `workspace`, shared by the tests that only read what it emitted."""
    fake = RealIntercom(workspace).start()
    try:
        yield run_tap(tmp_path_factory.mktemp("full-run"), config_for(fake))
    finally:
        fake.stop()
