"""Fixtures of the end-to-end suite: a `Scenario` per test (modules that assert several aspects
of one expensive scenario open theirs with `open_scenario` in a module fixture)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from meltano.project import MeltanoProject, copy_project, meltano_bin

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


@pytest.fixture(scope="session")
def meltano_project(tmp_path_factory: pytest.TempPathFactory) -> MeltanoProject:
    """The Meltano project installed in a temporary copy, as tests/meltano/conftest.py does.

    Duplicated because a fixture in tests/meltano/conftest.py is invisible here: once it moves to
    tests/fixtures/, this one goes and `meltano install` runs once per session.
    """
    project = MeltanoProject(copy_project(tmp_path_factory.mktemp("e2e-meltano")), meltano_bin())
    project.run("install", timeout=900)
    return project
