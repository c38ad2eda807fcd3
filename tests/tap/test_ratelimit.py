"""The shared rate budget, on a simulated clock: pacing from headers, the per-minute cap, 429s."""

from __future__ import annotations

import pytest
from tap_intercom.ratelimit import RateBudget


class SimulatedClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


def _headers(remaining: int, reset: float) -> dict[str, str]:
    return {"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(reset)}


def test_spends_what_the_server_reports_then_waits_for_the_reset(clock: SimulatedClock) -> None:
    budget = RateBudget(clock=clock.time, sleep=clock.sleep)
    budget.acquire()
    budget.release(_headers(remaining=3, reset=1_010))

    for _ in range(3):
        budget.acquire()
    assert clock.now == 1_000  # three more fit in this window: no waiting
    budget.acquire()  # the fourth waits for the window to reset

    assert clock.now >= 1_010
    assert budget.stats.throttled == 0


def test_requests_in_flight_count_against_the_reported_budget(clock: SimulatedClock) -> None:
    budget = RateBudget(clock=clock.time, sleep=clock.sleep)
    for _ in range(3):
        budget.acquire()  # three in flight, none answered yet
    budget.release(_headers(remaining=2, reset=1_010))  # the other two may not be counted yet

    budget.acquire()

    assert clock.now >= 1_010


def test_max_requests_per_minute_spaces_requests(clock: SimulatedClock) -> None:
    budget = RateBudget(max_requests_per_minute=120, clock=clock.time, sleep=clock.sleep)
    for _ in range(5):
        budget.acquire()
        budget.release(None)

    assert clock.now == pytest.approx(1_002.0)  # 4 gaps of 0.5 s


def test_a_429_empties_the_budget_until_the_reset(clock: SimulatedClock) -> None:
    budget = RateBudget(clock=clock.time, sleep=clock.sleep)
    budget.acquire()
    budget.release(_headers(remaining=0, reset=1_007), throttled=True)

    budget.acquire()

    assert clock.now >= 1_007
    assert budget.stats.throttled == 1


def test_a_429_with_a_reset_already_past_still_pauses(clock: SimulatedClock) -> None:
    budget = RateBudget(clock=clock.time, sleep=clock.sleep)
    budget.acquire()
    budget.release(_headers(remaining=0, reset=990), throttled=True)  # server clock behind ours

    budget.acquire()

    assert clock.now >= 1_001
