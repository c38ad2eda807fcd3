"""Adaptive concurrency against the fake's latency and rate-limit options: the tap keeps more
requests in flight when responses are slower, and fewer after 429s. Nothing here is timed; what
is asserted is the choice the tap reports (its closing "Concurrency:" log line)."""

from __future__ import annotations

import logging
import re
import threading

import pytest
import requests
from intercom_sandbox.fake import FakeIntercom
from tap_intercom.fetch import ordered_map
from tap_intercom.runtime import Runtime, build_runtime
from tap_intercom.settings import parse_settings

_REPORTED = re.compile(r"^Concurrency: (\d+) requests in flight allowed .*cut (\d+)x on 429s")


def _runtime(fake: FakeIntercom) -> Runtime:
    return build_runtime(parse_settings({"access_token": fake.token, "api_url": fake.url}))


def _fetch_details(runtime: Runtime, ids: list[str]) -> None:
    def fetch(conversation_id: str) -> object:
        return runtime.client.get(f"/conversations/{conversation_id}")

    for _ in ordered_map(fetch, ids, runtime.gate):
        pass


def _reported(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    """(requests in flight allowed, cuts on 429s) from the line the tap logs at the end."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tap-intercom"):
        runtime.progress.finish()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Concurrency:")]
    assert len(lines) == 1, lines
    found = _REPORTED.match(lines[0])
    assert found, lines[0]
    return int(found.group(1)), int(found.group(2))


def _chosen_at(fake_intercom, latency_ms: int, caplog: pytest.LogCaptureFixture) -> int:
    # 100 requests per 10-second window: 10 a second, never reached by these 80 requests.
    fake = fake_intercom(seed=3, conversations=80, latency_ms=latency_ms, rate_limit_per_10s=600)
    runtime = _runtime(fake)
    _fetch_details(runtime, list(fake.truth().conversations))
    chosen, cuts = _reported(runtime, caplog)
    assert cuts == 0
    assert fake.stats.rate_limited == 0
    return chosen


def test_more_requests_in_flight_when_responses_are_slower(
    fake_intercom, caplog: pytest.LogCaptureFixture
) -> None:
    quick = _chosen_at(fake_intercom, 5, caplog)
    slow = _chosen_at(fake_intercom, 150, caplog)

    # 60 requests/s x latency x 1.25, + 1: about 2 at 5 ms, about 13 at 150 ms.
    assert quick <= 4
    assert slow >= 10


def _spend_the_window(fake: FakeIntercom, refused: threading.Event) -> None:
    """Another app of the workspace spends what is left of the current window (every private
    app counts against the workspace's limit: Intercom's rate-limiting docs)."""
    headers = {"Authorization": f"Bearer {fake.token}"}
    with requests.Session() as other_app:
        while not refused.is_set():
            if other_app.get(f"{fake.url}/admins", headers=headers, timeout=10).status_code == 429:
                refused.set()


def test_fewer_requests_in_flight_after_429s(
    fake_intercom, caplog: pytest.LogCaptureFixture
) -> None:
    # 40 requests a second at 100 ms: about 6 in flight.
    fake = fake_intercom(seed=3, conversations=80, latency_ms=100, rate_limit_per_10s=400)
    ids = list(fake.truth().conversations)
    runtime = _runtime(fake)
    _fetch_details(runtime, ids[:60])
    before, _ = _reported(runtime, caplog)

    refused = threading.Event()
    spend = (fake, refused)
    other_app = [threading.Thread(target=_spend_the_window, args=spend) for _ in range(50)]
    for thread in other_app:
        thread.start()
    for thread in other_app:
        thread.join()
    _fetch_details(runtime, ids[60:])  # the first answers are 429s; the rest after the reset
    after, cuts = _reported(runtime, caplog)

    assert fake.stats.rate_limited > 1  # the neighbour's, and ours
    assert cuts >= 1
    assert after < before
