"""Scenario 1: Intercom misbehaves (5% of requests fail with 5xx, connection resets, truncated JSON
or slow answers) under a low rate limit; the run still succeeds and the tables are exact."""

from __future__ import annotations

from collections.abc import Callable

from intercom_sandbox.fake import FaultSpec

from e2e.scenario import SMALL_WORKSPACE, Scenario


def test_faults_and_a_low_rate_limit_still_give_exact_tables(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(
        seed=11,
        faults=FaultSpec(rate=0.05, seed=5, slow_seconds=1.5),
        rate_limit_per_10s=50,
        **SMALL_WORKSPACE,
    )
    # A slow answer outlasts the tap's timeout, so it is retried like any other transient fault.
    scenario.run_ok(tap={"request_timeout": 1})

    scenario.assert_exact()
    assert scenario.statuses() == ["success"]
    faults = scenario.fake.stats
    assert faults.faults_injected, "the run met injected faults"
    scenario.fake.workspace.mutate(seed=2)
    scenario.run_ok(tap={"request_timeout": 1})
    scenario.assert_exact()
