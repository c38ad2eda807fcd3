"""Scenario 1: Intercom misbehaves (5% of requests fail with 5xx, connection resets, truncated JSON
or slow answers) under a low rate limit; the run still succeeds and the tables are exact."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from intercom_sandbox.fake import FaultSpec

from e2e.scenario import SMALL_WORKSPACE, Scenario

RATE_LIMIT_PER_10S = 50
# A slow answer (1.5 s) outlasts the tap's timeout (1 s): it is retried like any other fault.
TAP_SETTINGS = {"request_timeout": 1}


def test_faults_and_a_low_rate_limit_still_give_exact_tables(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(
        seed=11,
        faults=FaultSpec(rate=0.05, seed=5, slow_seconds=1.5),
        rate_limit_per_10s=RATE_LIMIT_PER_10S,
        **SMALL_WORKSPACE,
    )
    scenario.run_ok(tap=TAP_SETTINGS)
    scenario.assert_exact()
    scenario.fake.workspace.mutate(seed=2)
    scenario.run_ok(tap=TAP_SETTINGS)

    scenario.assert_exact()
    assert scenario.statuses() == ["success", "success"]
    stats = scenario.fake.stats
    assert sum(stats.faults_injected.values()) >= 2, "the runs met injected faults"
    assert stats.requests > RATE_LIMIT_PER_10S, "the rate limit was binding"


@pytest.mark.parametrize(
    "kinds",
    [("500", "502", "503", "504"), ("reset",), ("truncated",), ("slow",)],
    ids=["5xx", "connection-reset", "truncated-json", "slow"],
)
def test_each_kind_of_fault_is_retried_to_an_exact_result(
    scenario_factory: Callable[..., Scenario], kinds: tuple[str, ...]
) -> None:
    faults = FaultSpec(rate=0.15, seed=9, kinds=kinds, slow_seconds=1.5)
    scenario = scenario_factory(seed=12, conversations=15, contacts=10, faults=faults)
    scenario.run_ok(tap=TAP_SETTINGS)

    scenario.assert_exact()
    injected = scenario.fake.stats.faults_injected
    assert sum(injected[kind] for kind in kinds) >= 2, dict(injected)
