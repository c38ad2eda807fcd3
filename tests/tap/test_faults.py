"""Injected 5xx, connection resets, truncated bodies and a low rate limit: still the truth."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from intercom_sandbox.fake import FakeIntercom, FaultSpec
from tap_replica import Replica
from tap_truth import assert_matches_truth
from taprun import config_for, run_tap


def test_faults_and_a_low_rate_limit_deliver_the_truth(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(
        seed=41,
        conversations=14,
        contacts=10,
        companies=4,
        tickets=3,
        rate_limit_per_10s=24,
        faults=FaultSpec(rate=0.2, seed=9, slow_seconds=0.2),
    )
    fake.workspace.mutate(seed=1)

    output = run_tap(tmp_path, config_for(fake))

    assert_matches_truth(Replica().apply(output.messages), fake.truth())
    injected = fake.stats.faults_injected
    assert len(injected) >= 3  # which kinds depends on the order threads send requests in
    assert sum(injected.values()) >= 5
    assert fake.stats.requests > 24  # more than one rate-limit window was needed
    assert fake.stats.rate_limited == 0  # paced from the headers, never hit the limit
    assert "Retrying" in output.stderr


def test_connection_resets_and_truncated_bodies_are_retried(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # Only conversation details fail, half of them: the first of at least ten such requests
    # already include both kinds for this seed.
    faults = FaultSpec(
        rate=0.5, seed=3, kinds=("reset", "truncated"), path_prefix="/conversations/2"
    )
    fake = fake_intercom(
        seed=43, conversations=10, contacts=3, companies=2, tickets=2, faults=faults
    )

    output = run_tap(tmp_path, config_for(fake))

    assert set(fake.stats.faults_injected) == {"reset", "truncated"}
    assert_matches_truth(Replica().apply(output.messages), fake.truth())


def test_a_429_waits_for_the_reset_then_succeeds(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(seed=42, conversations=10, contacts=5, companies=2, tickets=2,
                         rate_limit_per_10s=40)  # fmt: skip
    # Another client spends this window's budget: the tap's first requests are answered 429.
    # (Not too close to the end of a 10-second window, or it would reset before the tap starts.)
    if time.time() % 10 > 6:
        time.sleep(10 - time.time() % 10)
    for _ in range(40):
        fake.limiter.hit()

    output = run_tap(tmp_path, config_for(fake, max_workers=2))

    assert fake.stats.rate_limited >= 1
    assert "Rate limited" in output.stderr
    assert_matches_truth(Replica().apply(output.messages), fake.truth())


def test_a_request_that_times_out_is_retried(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # For this seed the first /teams answer is slow (past the timeout), the second is not.
    faults = FaultSpec(rate=0.5, seed=3, kinds=("slow",), slow_seconds=3, path_prefix="/teams")
    fake = fake_intercom(
        seed=45, conversations=3, contacts=2, companies=1, tickets=1, faults=faults
    )

    output = run_tap(tmp_path, config_for(fake, request_timeout=1))

    assert fake.stats.requests_by_path["/teams"] == 2
    assert "Retrying GET /teams (try 1)" in output.stderr
    assert "ReadTimeout" in output.stderr
    assert {r["team_id"] for r in output.records["teams"]} == set(fake.truth().teams)
