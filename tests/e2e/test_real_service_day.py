"""A run against a fake that misbehaves as the real Intercom does.

Tickets are denied to the token (401 token_unauthorized: airbytehq/airbyte#64110), Intercom is
down for 45 seconds in the middle of conversations (every request 502/503/504:
intercom/intercom-android#485), and the companies scroll loses its second page (500 "Please
restart the scroll operation": spec 2.16 L6862-6865). The run ends with exit status 0, every
other table exact, a warning for each, no traceback, and a sync-log row that says `partial`.
This is the suite's one test that spends real time on an outage (tests/tap/test_outage.py plays
minutes on a virtual clock).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from intercom_sandbox.fake import OutageSpec

from e2e.compare import all_differences
from e2e.scenario import SMALL_WORKSPACE, Scenario

OUTAGE_SECONDS = 45
# Counted among conversation requests only (other streams' requests may interleave): the
# search's first page, then details; the 6th detail request is in the middle of the first page.
MID_CONVERSATIONS = 6


def _lines(log: str, text: str) -> list[str]:
    return [line for line in log.splitlines() if text in line]


def test_denied_tickets_an_outage_and_a_lost_scroll_page_still_end_well(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(
        seed=31,
        denied_resources=("tickets",),
        outages=(
            OutageSpec(
                after_requests=MID_CONVERSATIONS,
                seconds=OUTAGE_SECONDS,
                path_prefix="/conversations",
            ),
        ),
        failed_scroll_requests=(2,),
        **SMALL_WORKSPACE,
    )
    started = time.monotonic()

    result = scenario.run_ok()

    assert time.monotonic() - started >= OUTAGE_SECONDS, "the run waited the outage out"
    truth = scenario.fake.truth()
    assert truth.tickets, "the workspace has tickets the token may not read"
    assert all_differences(scenario.database_url, dataclasses.replace(truth, tickets={})) == []
    log = result.tap_stderr
    assert "Traceback" not in log + result.target_stderr
    [skipped] = _lines(log, "Stream tickets skipped")
    assert "“Read tickets”" in skipped
    [unavailable] = _lines(log, "Intercom is unavailable")
    assert "/conversations" in unavailable
    assert "keeps retrying until" in unavailable
    assert len(_lines(log, "Intercom answers again")) == 1
    [lost] = _lines(log, "Companies scroll lost")
    assert "Please restart the scroll operation" in lost
    assert scenario.fake.stats.faults_injected["outage"] > 0
    [row] = scenario.sync_log()
    assert row["status"] == "partial"
    assert set(row["skipped_streams"]) == {"tickets"}
    scenario.assert_sync_log_truthful()
