"""The companies scroll: read whole before anything is written, restarted after a lost page, a
scroll held by another client waited for until it expires."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import requests
from intercom_sandbox.fake import FakeIntercom, FaultSpec
from taprun import (
    TAP,
    TapOutput,
    catalog_selecting,
    config_for,
    parse_messages,
    run_tap,
    write_inputs,
)

SCROLL = "/companies/scroll"


def _companies_only(fake: FakeIntercom, tmp_path: Path) -> TapOutput:
    config = config_for(fake)
    return run_tap(tmp_path, config, None, *catalog_selecting(tmp_path, config, {"companies"}))


def _delivered(output: TapOutput) -> dict[str, str]:
    return {r["company_id"]: r["updated_at"] for r in output.records["companies"]}


def _assert_every_company_once(output: TapOutput, fake: FakeIntercom) -> None:
    assert set(_delivered(output)) == set(fake.truth().companies)
    assert len(output.records["companies"]) == len(fake.truth().companies), "no duplicates"


def test_waits_while_another_scroll_is_open(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # The other scroll must still be open when the tap asks for its own: discovery runs first,
    # and the expiry leaves room for the tap's start-up on a busy machine.
    fake = fake_intercom(seed=51, companies=9, scroll_expiry_seconds=4, scroll_page_size=4)
    config = config_for(fake)
    catalog = catalog_selecting(tmp_path, config, {"companies"})
    other = requests.get(
        f"{fake.url}{SCROLL}",
        headers={"Authorization": f"Bearer {fake.token}", "Accept": "application/json"},
        timeout=5,
    )
    assert other.status_code == 200  # someone else now holds the workspace's only scroll

    output = run_tap(tmp_path, config, None, *catalog)

    assert "A companies scroll is already open" in output.stderr
    _assert_every_company_once(output, fake)


def test_a_slow_target_does_not_expire_the_scroll(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # 200 companies (~180 KB of records) overflow the pipe (64 KiB): while nobody reads the
    # tap's stdout, as when the target is busy, the tap blocks for longer than a scroll may idle.
    fake = fake_intercom(seed=53, companies=200, contacts=4, conversations=2,
                         scroll_expiry_seconds=1, scroll_page_size=20)  # fmt: skip
    config = config_for(fake)
    catalog = catalog_selecting(tmp_path, config, {"companies"})
    args = [str(TAP), *write_inputs(tmp_path, config), *catalog]
    with (tmp_path / "stderr.txt").open("w+") as stderr:
        tap = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, text=True)
        _wait_until_blocked(fake, tap)
        time.sleep(2)  # twice the scroll's expiry, with the tap's stdout full
        stdout, _ = tap.communicate(timeout=120)
        stderr.seek(0)
        log = stderr.read()

    assert tap.returncode == 0, log[-3000:]
    output = TapOutput(parse_messages(stdout), stdout, log, tap.returncode)
    _assert_every_company_once(output, fake)
    assert "Companies scroll lost" not in log
    assert fake.stats.requests_by_path[SCROLL] == 200 // 20 + 1, "one scroll, read once"


def _wait_until_blocked(fake: FakeIntercom, tap: subprocess.Popen[str]) -> None:
    """Until the tap has scrolled and then sent nothing for a second (it waits on its stdout)."""
    deadline = time.monotonic() + 60
    seen, still_since = 0, time.monotonic()
    while time.monotonic() < deadline and tap.poll() is None:
        count = fake.stats.requests_by_path[SCROLL]
        if count != seen:
            seen, still_since = count, time.monotonic()
        elif seen and time.monotonic() - still_since > 1:
            return
        time.sleep(0.1)
    raise AssertionError(f"the tap did not block on its output (exit {tap.poll()})")


def test_a_failed_scroll_page_restarts_the_scroll_at_once(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # The third scroll request answers 500 "Please restart the scroll operation".
    fake = fake_intercom(seed=54, companies=10, scroll_page_size=3, failed_scroll_requests=(3,))
    started = time.monotonic()

    output = _companies_only(fake, tmp_path)

    assert "Companies scroll lost (page 3 failed" in output.stderr
    assert "Please restart the scroll operation" in output.stderr
    _assert_every_company_once(output, fake)
    assert fake.stats.requests_by_path[SCROLL] == 3 + (10 // 3 + 2), "3 lost, then 5 pages"
    assert time.monotonic() - started < 30, "restarted at once, not after the scroll's expiry"


def test_restarts_a_scroll_that_expired_mid_way(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # A slow answer arrives after the scroll's idle expiry: its scroll_param is dead (404).
    faults = FaultSpec(
        rate=0.3, seed=2, kinds=("slow",), slow_seconds=0.6, path_prefix="/companies"
    )
    fake = fake_intercom(
        seed=52, companies=10, scroll_expiry_seconds=0.5, scroll_page_size=4, faults=faults
    )

    output = _companies_only(fake, tmp_path)

    assert "Companies scroll lost" in output.stderr
    assert "HTTP 404" in output.stderr
    _assert_every_company_once(output, fake)


def test_a_page_that_failed_after_the_scroll_moved_on_is_not_skipped(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # A truncated body (or a timeout) may come after the server moved the scroll on: asking
    # again with the same scroll_param would return the next page and skip this one.
    # For this seed the first scroll loses its page 7; later faults hit requests that start a
    # scroll, which are retried.
    faults = FaultSpec(rate=0.15, seed=1, kinds=("truncated",), path_prefix="/companies")
    fake = fake_intercom(
        seed=52, companies=20, scroll_expiry_seconds=1, scroll_page_size=2, faults=faults
    )

    output = _companies_only(fake, tmp_path)

    assert fake.stats.faults_injected["truncated"] == 3
    assert "Companies scroll lost (page 7 failed" in output.stderr
    # The lost scroll itself stays open until it expires: the new one waits for that.
    assert "A companies scroll is already open" in output.stderr
    _assert_every_company_once(output, fake)


def test_companies_that_cannot_be_read_are_skipped_and_the_rest_is_read(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    # Every scroll loses its second page: a cause that starting again does not remove.
    fake = fake_intercom(seed=55, companies=10, scroll_page_size=3,
                         failed_scroll_requests=(2, 4, 6, 8, 10))  # fmt: skip
    config = config_for(fake)
    catalog = catalog_selecting(tmp_path, config, {"companies", "tags", "teams"})

    output = run_tap(tmp_path, config, None, *catalog)

    assert "companies" not in output.records
    assert {r["tag_id"] for r in output.records["tags"]} == set(fake.truth().tags)
    assert {r["team_id"] for r in output.records["teams"]} == set(fake.truth().teams)
    final = output.states[-1]["sync"]
    assert final["complete"] is True
    assert "the companies scroll was lost 4 times" in final["skipped_streams"]["companies"]
    assert "Stream companies skipped" in output.stderr
    assert "Traceback" not in output.stderr
    assert fake.stats.requests_by_path[SCROLL] == 8
