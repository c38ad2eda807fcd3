"""Rate-limit headers and 429s; deterministic faults; latency that does not serialise requests."""

from __future__ import annotations

import http.client
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests
from intercom_sandbox.fake import FaultSpec

from fake.api import Api, error_codes


def test_every_authenticated_response_carries_rate_limit_headers(fake_intercom) -> None:
    fake = fake_intercom(seed=1, conversations=2, contacts=2, rate_limit_per_10s=50)
    response = Api(fake).get("/admins")
    headers = response.headers
    assert headers["X-RateLimit-Limit"] == "50"
    assert 0 <= int(headers["X-RateLimit-Remaining"]) < 50
    assert int(headers["X-RateLimit-Reset"]) % 10 == 0


def test_requests_beyond_the_window_get_the_documented_429(fake_intercom) -> None:
    fake = fake_intercom(seed=1, conversations=2, contacts=2, rate_limit_per_10s=3)
    api = Api(fake)
    statuses = [api.get("/tags").status_code for _ in range(8)]
    # A 10-second window may roll over mid-loop; either way some requests were refused.
    assert 429 in statuses
    refused = api.get("/tags")
    if refused.status_code == 429:
        assert error_codes(refused) == ["rate_limit_exceeded"]
        assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert fake.stats.rate_limited == statuses.count(429) + (refused.status_code == 429)


def _statuses(fake_intercom, seed: int) -> list[object]:
    faults = FaultSpec(rate=0.4, seed=seed, kinds=("500", "503", "truncated", "reset"))
    fake = fake_intercom(seed=1, conversations=2, contacts=2, faults=faults)
    outcomes: list[object] = []
    for _ in range(60):
        try:
            response = requests.get(
                f"{fake.url}/tags", headers={"Authorization": f"Bearer {fake.token}"}, timeout=10
            )
        except requests.ConnectionError:
            outcomes.append("reset")
            continue
        try:
            response.json()
            outcomes.append(response.status_code)
        except requests.JSONDecodeError:
            outcomes.append("truncated")
    return outcomes


def test_faults_are_deterministic_for_a_seed(fake_intercom) -> None:
    first, again, other = (_statuses(fake_intercom, s) for s in (7, 7, 8))
    assert first == again
    assert first != other
    assert {500, 503, "truncated", "reset", 200} <= set(first)


def test_server_errors_carry_an_error_body(fake_intercom) -> None:
    fake = fake_intercom(seed=1, conversations=2, contacts=2,
                         faults=FaultSpec(rate=1.0, kinds=("502",)))  # fmt: skip
    response = Api(fake).get("/tags")
    assert response.status_code == 502
    assert response.json()["type"] == "error.list"
    assert fake.stats.faults_injected["502"] == 1


def test_path_prefix_limits_faults(fake_intercom) -> None:
    faults = FaultSpec(rate=1.0, kinds=("500",), path_prefix="/conversations")
    fake = fake_intercom(seed=1, conversations=2, contacts=2, faults=faults)
    api = Api(fake)
    assert api.get("/tags").status_code == 200
    assert api.get("/conversations").status_code == 500


def test_latency_sleeps_do_not_block_other_requests(fake_intercom) -> None:
    fake = fake_intercom(seed=1, conversations=2, contacts=2, latency_ms=300)
    api = Api(fake)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: api.get("/tags").status_code, range(8)))
    assert statuses == [200] * 8
    assert fake.stats.requests_by_path["/tags"] == 8


def test_connections_are_kept_alive(fake_intercom) -> None:
    fake = fake_intercom(seed=1, conversations=2, contacts=2)
    address = urlsplit(fake.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    headers = {"Authorization": f"Bearer {fake.token}"}
    for _ in range(3):
        connection.request("GET", "/tags", headers=headers)
        response = connection.getresponse()
        assert response.status == 200
        response.read()
        assert response.getheader("Connection") != "close"
    connection.close()


def test_slow_responses_arrive_late_but_whole(fake_intercom) -> None:
    faults = FaultSpec(rate=1.0, kinds=("slow",), slow_seconds=0.3)
    fake = fake_intercom(seed=1, conversations=2, contacts=2, faults=faults)
    url, headers = f"{fake.url}/tags", {"Authorization": f"Bearer {fake.token}"}
    with pytest.raises(requests.Timeout):
        requests.get(url, headers=headers, timeout=0.05)
    patient = requests.get(url, headers=headers, timeout=10)
    assert patient.status_code == 200
    assert patient.json()["data"] == list(fake.truth().tags.values())
    assert fake.stats.faults_injected["slow"] == 2
