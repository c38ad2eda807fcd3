"""Fixtures of the end-to-end suite: a `Scenario` per test, or per module for scenarios whose
several aspects (tables, sync log, checkpoints) are asserted by separate tests."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from e2e.scenario import Scenario

_database_numbers = itertools.count(1)
FAKE_OPTIONS = ("token", "rate_limit_per_10s", "latency_ms", "faults")
E2E_TOKEN = "e2e-secret-token-7f3a9c"


@contextmanager
def open_scenario(pg_server: Any, workdir: Path, **kwargs: Any) -> Iterator[Scenario]:
    """A started fake Intercom (WorkspaceSpec fields and FakeIntercom options in `kwargs`) and a
    fresh database with Supabase's roles."""
    from intercom_sandbox.fake import FakeIntercom, FaultSpec, WorkspaceSpec

    options = {name: kwargs.pop(name) for name in FAKE_OPTIONS if name in kwargs}
    options.setdefault("token", E2E_TOKEN)
    options.setdefault("faults", FaultSpec(rate=0.0))
    database_url = pg_server.create_database(f"e2e_{workdir.name}_{next(_database_numbers)}")
    with FakeIntercom(WorkspaceSpec(**kwargs), **options) as fake:
        yield Scenario(fake=fake, database_url=database_url, workdir=workdir)


@pytest.fixture
def scenario_factory(pg_server: Any, tmp_path: Path) -> Iterator[Callable[..., Scenario]]:
    """`make(**kwargs)` opens a scenario that lives until the end of the test."""
    with ExitStack() as stack:

        def make(**kwargs: Any) -> Scenario:
            workdir = tmp_path / f"scenario{next(_database_numbers)}"
            workdir.mkdir()
            return stack.enter_context(open_scenario(pg_server, workdir, **kwargs))

        yield make
