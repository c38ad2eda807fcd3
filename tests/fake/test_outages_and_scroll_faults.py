"""Scheduled outages, a failed scroll page and an expired scroll, on the fake's own clock."""

from __future__ import annotations

import subprocess
import sys

import requests
from intercom_sandbox.fake import OutageSpec, VirtualClock

from fake.api import Api, error_codes


def _scroll(api: Api, param: str | None = None) -> requests.Response:
    return api.get("/companies/scroll", **({"scroll_param": param} if param else {}))


def test_an_outage_fails_every_request_for_its_duration_after_the_nth(fake_intercom) -> None:
    clock = VirtualClock()
    outage = OutageSpec(after_requests=2, seconds=300, retry_after_seconds=20)
    fake = fake_intercom(seed=1, conversations=2, contacts=2, outages=(outage,), clock=clock.time)
    api = Api(fake)

    before = [api.get("/tags").status_code for _ in range(2)]
    during = [api.get(path) for path in ("/tags", "/admins", "/me", "/teams")]
    clock.sleep(299)
    still = api.get("/tags")
    clock.sleep(2)
    after = api.get("/tags")

    assert before == [200, 200]
    assert [r.status_code for r in during] == [503, 502, 504, 503]
    assert error_codes(during[0]) == ["service_unavailable"]
    assert during[0].headers["Retry-After"] == "20"
    assert still.status_code in {502, 503, 504}
    assert after.status_code == 200
    assert fake.stats.faults_injected["outage"] == 5


def test_an_outage_fails_requests_without_a_valid_token_too(fake_intercom) -> None:
    fake = fake_intercom(seed=1, conversations=2, contacts=2,
                         outages=(OutageSpec(after_requests=0, seconds=60),))  # fmt: skip
    response = requests.get(f"{fake.url}/me", timeout=10)
    assert response.status_code == 503


def test_an_idle_scroll_expires_to_a_404(fake_intercom) -> None:
    clock = VirtualClock()
    fake = fake_intercom(seed=2, companies=7, contacts=5, scroll_page_size=3, clock=clock.time)
    api = Api(fake)
    param = _scroll(api).json()["scroll_param"]
    clock.sleep(59)
    assert _scroll(api, param).status_code == 200, "used within the minute: still open"
    clock.sleep(61)

    expired = _scroll(api, param)

    assert expired.status_code == 404
    assert error_codes(expired) == ["not_found"]
    assert _scroll(api).status_code == 200, "a new scroll may start once the old one expired"


def test_a_chosen_scroll_request_fails_with_the_documented_restart_error(fake_intercom) -> None:
    fake = fake_intercom(seed=2, companies=7, contacts=5, scroll_page_size=3,
                         failed_scroll_requests=(2,))  # fmt: skip
    api = Api(fake)
    first = _scroll(api).json()

    failed = _scroll(api, first["scroll_param"])

    assert failed.status_code == 500
    assert "Please restart the scroll operation" in failed.json()["errors"][0]["message"]
    assert _scroll(api, first["scroll_param"]).status_code == 404, "the scroll is gone"
    restarted = _scroll(api)
    assert restarted.status_code == 200
    assert restarted.json()["data"] == first["data"], "a new scroll starts from the beginning"


def test_the_cli_schedules_an_outage() -> None:
    command = [sys.executable, "-m", "intercom_sandbox.cli", "fake", "--port", "0",
               "--conversations", "2", "--contacts", "2", "--token", "t",
               "--outage", "1:60"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        headers = {"Authorization": "Bearer t"}
        statuses = [requests.get(f"{url}/tags", headers=headers, timeout=10).status_code
                    for _ in range(2)]  # fmt: skip
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert statuses == [200, 503]
