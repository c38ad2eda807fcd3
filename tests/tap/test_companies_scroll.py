"""The companies scroll survives another open scroll and its own scroll expiring mid-way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import requests
from intercom_sandbox.fake import FakeIntercom, FaultSpec
from taprun import TapOutput, catalog_selecting, config_for, run_tap


def _companies_only(fake: FakeIntercom, tmp_path: Path) -> TapOutput:
    config = config_for(fake)
    return run_tap(tmp_path, config, None, *catalog_selecting(tmp_path, config, {"companies"}))


def _delivered(output: TapOutput) -> dict[str, str]:
    return {r["company_id"]: r["updated_at"] for r in output.records["companies"]}


def test_waits_while_another_scroll_is_open(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # The other scroll must still be open when the tap asks for its own: discovery runs first,
    # and the expiry leaves room for the tap's start-up on a busy machine.
    fake = fake_intercom(seed=51, companies=9, scroll_expiry_seconds=4, scroll_page_size=4)
    config = config_for(fake)
    catalog = catalog_selecting(tmp_path, config, {"companies"})
    other = requests.get(
        f"{fake.url}/companies/scroll",
        headers={"Authorization": f"Bearer {fake.token}", "Accept": "application/json"},
        timeout=5,
    )
    assert other.status_code == 200  # someone else now holds the workspace's only scroll

    output = run_tap(tmp_path, config, None, *catalog)

    assert "Another companies scroll is open" in output.stderr
    assert set(_delivered(output)) == set(fake.truth().companies)


def test_restarts_a_scroll_that_expired_mid_way(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # A slow answer arrives after the scroll's idle expiry: the next page's scroll_param is dead.
    faults = FaultSpec(
        rate=0.3, seed=2, kinds=("slow",), slow_seconds=0.6, path_prefix="/companies"
    )
    fake = fake_intercom(
        seed=52, companies=10, scroll_expiry_seconds=0.5, scroll_page_size=2, faults=faults
    )

    output = _companies_only(fake, tmp_path)

    assert "Companies scroll lost" in output.stderr
    assert set(_delivered(output)) == set(fake.truth().companies)
    assert len(output.records["companies"]) == len(fake.truth().companies)  # no duplicates


def test_a_page_that_failed_after_the_scroll_moved_on_is_not_skipped(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # A truncated body (or a timeout) may come after the server moved the scroll on: asking
    # again with the same scroll_param would return the next page and skip this one.
    faults = FaultSpec(rate=0.15, seed=5, kinds=("truncated",), path_prefix="/companies")
    fake = fake_intercom(
        seed=52, companies=20, scroll_expiry_seconds=1, scroll_page_size=2, faults=faults
    )

    output = _companies_only(fake, tmp_path)

    assert fake.stats.faults_injected["truncated"] >= 5
    assert "Companies scroll lost" in output.stderr
    assert set(_delivered(output)) == set(fake.truth().companies)
    assert len(output.records["companies"]) == len(fake.truth().companies)  # no duplicates
