"""Scenario 2: the tap, the target, or both are killed with SIGKILL at seeded points of the stream;
the next run from the last persisted state ends exact, and no killed run is logged as a success.

Each kill case runs once (module fixture) and its aspects are separate tests: the tables, the
sync log, and the checkpoint promise checked right after each killed run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from e2e.pipeline import PipeEvent, RunningPipe
from e2e.scenario import SMALL_WORKSPACE, Scenario, open_scenario

KILLS: dict[str, Callable[[RunningPipe], None]] = {
    "tap": RunningPipe.kill_tap,
    "target": RunningPipe.kill_target,
    "both": RunningPipe.kill_both,
}
CASES = [("tap", 1), ("tap", 2), ("target", 1), ("target", 2), ("both", 1)]


@dataclass
class KilledRuns:
    victim: str
    scenario: Scenario
    kill_points: list[int]
    checkpoint_problems: list[str] = field(default_factory=list)
    fired: int = 0


@pytest.fixture(
    scope="module", params=CASES, ids=[f"{victim}-seed{seed}" for victim, seed in CASES]
)
def killed(
    request: pytest.FixtureRequest, pg_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KilledRuns]:
    victim, seed = request.param
    workdir = Path(tmp_path_factory.mktemp(f"kill-{victim}-{seed}"))
    with open_scenario(pg_server, workdir, seed=20 + seed, **SMALL_WORKSPACE) as scenario:
        yield kill_then_resume(scenario, victim, random.Random(f"{victim}/{seed}"))


def kill_then_resume(scenario: Scenario, victim: str, rng: random.Random) -> KilledRuns:
    """Kill a first run from scratch, then a second run from the state the first one left (after
    the workspace changed), then run to the end."""
    total = scenario.tap_output_bytes()
    points = [rng.randrange(total // 20, total * 2 // 3), rng.randrange(1, total // 3)]
    outcome, kill = KilledRuns(victim, scenario, points), KILLS[victim]
    for number, point in enumerate(points):
        if number:
            scenario.fake.workspace.mutate(seed=number)
        result = scenario.run(events=[PipeEvent(point, kill, f"kill at {point}")])
        outcome.fired += len(result.events_fired)
        outcome.checkpoint_problems += scenario.checkpoint_problems(result)
    scenario.run_ok()
    return outcome


def test_the_kills_happened_mid_stream(killed: KilledRuns) -> None:
    assert killed.fired >= 1, f"no kill point was reached: {killed.kill_points}"
    assert not killed.scenario.runs[0].succeeded


def test_the_run_after_the_kills_ends_exact(killed: KilledRuns) -> None:
    killed.scenario.assert_exact()


def test_a_persisted_state_never_covers_rows_that_were_not_committed(killed: KilledRuns) -> None:
    assert not killed.checkpoint_problems


def test_killed_runs_are_logged_incomplete_or_failed_never_success(killed: KilledRuns) -> None:
    statuses = killed.scenario.statuses()
    assert statuses[-1] == "success"
    killed_runs = statuses[:-1]
    assert killed_runs, "each killed run that reached the target has a row"
    assert set(killed_runs) <= {"incomplete", "failed"}, statuses
