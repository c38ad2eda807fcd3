"""A companies scroll held by another client, on a virtual clock: the tap waits up to a minute
and a bit for it to expire, then reads companies; held for longer, companies are skipped and
reported, and the other streams are read."""

from __future__ import annotations

from collections.abc import Callable

import requests
from inprocess import run_in_process
from intercom_sandbox.fake import FakeIntercom, VirtualClock


def _open_a_scroll(fake: FakeIntercom) -> None:
    """Another client (another sync, a script) starts the workspace's only scroll."""
    other = requests.get(
        f"{fake.url}/companies/scroll",
        headers={"Authorization": f"Bearer {fake.token}", "Accept": "application/json"},
        timeout=5,
    )
    assert other.status_code == 200


def test_a_scroll_left_idle_by_another_client_is_waited_for(
    fake_intercom: Callable[..., FakeIntercom],
) -> None:
    clock = VirtualClock()
    # Intercom's expiry: one idle minute (spec L6855).
    fake = fake_intercom(seed=71, companies=7, scroll_page_size=3, clock=clock.time)
    _open_a_scroll(fake)

    run = run_in_process(fake, clock, streams={"companies"})

    assert run.error is None, run.error
    delivered = {r["company_id"] for r in run.output.records["companies"]}
    assert delivered == set(fake.truth().companies)
    assert 60 <= clock.slept <= 75, "waited for the other scroll to expire, no longer"


def test_a_scroll_another_client_keeps_using_gives_companies_up(
    fake_intercom: Callable[..., FakeIntercom],
) -> None:
    clock = VirtualClock()
    # The other client keeps its scroll busy: it does not expire while the tap waits.
    fake = fake_intercom(seed=72, companies=7, scroll_expiry_seconds=3600, clock=clock.time)
    _open_a_scroll(fake)

    run = run_in_process(fake, clock, streams={"companies", "tags"})

    assert run.error is None, run.error
    assert "companies" not in run.output.records
    assert {r["tag_id"] for r in run.output.records["tags"]} == set(fake.truth().tags)
    final = run.output.states[-1]["sync"]
    assert final["complete"] is True
    reason = final["skipped_streams"]["companies"]
    assert "another client kept this workspace's companies scroll open" in reason
    assert "no other sync or script reads this workspace's companies" in reason
    assert 75 <= clock.slept <= 80
