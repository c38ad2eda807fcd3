"""The adaptive concurrency limit, in-process on a simulated clock: it follows rate x latency,
falls on 429s and errors, never passes `max_workers`, and says once a minute what it chose."""

from __future__ import annotations

from tap_intercom.concurrency import AdaptiveConcurrency


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _headers(per_10s: int, remaining: int = 100) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(per_10s), "X-RateLimit-Remaining": str(remaining)}


def _answered(
    controller: AdaptiveConcurrency, clock: Clock, latency: float, count: int, per_10s: int
) -> None:
    for _ in range(count):
        clock.now += 0.01
        controller.observe(latency, 200, _headers(per_10s))


def test_limit_settles_at_rate_times_latency() -> None:
    clock = Clock()
    controller = AdaptiveConcurrency(256, clock=clock, report=lambda _: None)

    _answered(controller, clock, latency=0.5, count=400, per_10s=1_667)  # 10,000/min

    # 166.7 requests/s x 0.5 s x 1.25 headroom, + 1
    assert controller.limit == 106


def test_limit_rises_when_latency_rises_and_falls_back_when_it_drops() -> None:
    clock = Clock()
    controller = AdaptiveConcurrency(256, clock=clock, report=lambda _: None)
    _answered(controller, clock, latency=0.05, count=300, per_10s=1_667)
    at_50ms = controller.limit

    _answered(controller, clock, latency=1.0, count=600, per_10s=1_667)
    at_1s = controller.limit

    _answered(controller, clock, latency=0.2, count=600, per_10s=1_667)
    assert at_50ms <= 12
    assert at_1s >= 200
    assert 40 <= controller.limit <= 45


def test_a_lower_limit_needs_fewer_in_flight() -> None:
    clock = Clock()
    controller = AdaptiveConcurrency(256, clock=clock, report=lambda _: None)

    _answered(controller, clock, latency=1.0, count=400, per_10s=167)  # 1,000/min

    assert controller.limit == 22  # 16.7/s x 1 s x 1.25, + 1


def test_max_requests_per_minute_lowers_the_rate_used() -> None:
    clock = Clock()
    controller = AdaptiveConcurrency(256, 600, clock=clock, report=lambda _: None)

    _answered(controller, clock, latency=1.0, count=200, per_10s=1_667)

    assert controller.limit == 14  # 10/s x 1 s x 1.25, + 1


def test_max_workers_bounds_the_limit() -> None:
    clock = Clock()
    controller = AdaptiveConcurrency(16, clock=clock, report=lambda _: None)

    _answered(controller, clock, latency=1.0, count=400, per_10s=1_667)

    assert controller.limit == 16


def test_a_429_halves_the_limit_once_per_burst_and_holds_it_for_a_window() -> None:
    clock = Clock()
    controller = AdaptiveConcurrency(256, clock=clock, report=lambda _: None)
    _answered(controller, clock, latency=0.5, count=400, per_10s=1_667)
    before = controller.limit

    for _ in range(20):  # one burst's worth of 429s, answered together
        controller.observe(0.5, 429, _headers(1_667, remaining=0))
    after_burst = controller.limit
    _answered(controller, clock, latency=0.5, count=100, per_10s=1_667)  # within the window
    held = controller.limit
    clock.now += 10.0
    _answered(controller, clock, latency=0.5, count=100, per_10s=1_667)

    assert after_burst == before // 2
    assert held == after_burst
    assert controller.limit == before
    assert controller.report().cuts_429 == 1


def test_errors_cut_the_limit_by_a_quarter() -> None:
    clock = Clock()
    controller = AdaptiveConcurrency(256, clock=clock, report=lambda _: None)
    _answered(controller, clock, latency=0.5, count=400, per_10s=1_667)
    before = controller.limit

    controller.observe(0.5, 503, None)
    clock.now += 1.0
    controller.observe(30.0, None, None)  # a timeout: no response at all

    assert controller.limit == int(int(before * 0.75) * 0.75)
    assert controller.report().cuts_error == 2


def test_rising_latency_lowers_the_limit_instead_of_raising_it() -> None:
    clock = Clock()
    controller = AdaptiveConcurrency(256, clock=clock, report=lambda _: None)
    _answered(controller, clock, latency=0.2, count=300, per_10s=1_667)
    before = controller.limit

    _answered(controller, clock, latency=1.0, count=5, per_10s=1_667)  # a sudden slowdown

    assert controller.limit < before


def test_no_raise_while_the_window_is_spent() -> None:
    clock = Clock()
    controller = AdaptiveConcurrency(256, clock=clock, report=lambda _: None)

    for _ in range(50):
        clock.now += 0.01
        controller.observe(1.0, 200, _headers(1_667, remaining=0))

    assert controller.limit == 4  # where it started


def test_one_report_a_minute_says_what_was_chosen() -> None:
    clock = Clock()
    reports: list[str] = []
    controller = AdaptiveConcurrency(256, clock=clock, report=reports.append)

    for _ in range(150):  # 150 s of answers, one every second
        clock.now += 1.0
        controller.observe(0.5, 200, _headers(167))

    assert len(reports) == 2
    assert reports[0].startswith("12 requests in flight allowed (target 12 = 16.7 requests/s x")
    assert "max_workers 256" in reports[0]
