"""Fixtures of the end-to-end suite: a `Scenario` per test (modules that assert several aspects
of one expensive scenario open theirs with `open_scenario` in a module fixture)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from e2e.scenario import Scenario, open_scenario


@pytest.fixture
def scenario_factory(pg_server: Any, tmp_path: Path) -> Iterator[Callable[..., Scenario]]:
    """`make(**kwargs)` opens a scenario (fake Intercom + fresh database) for this test."""
    numbers = itertools.count(1)
    with ExitStack() as stack:

        def make(**kwargs: Any) -> Scenario:
            workdir = tmp_path / f"scenario{next(numbers)}"
            workdir.mkdir()
            return stack.enter_context(open_scenario(pg_server, workdir, **kwargs))

        yield make
