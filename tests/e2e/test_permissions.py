"""A token without the "Read tickets" permission, end to end: tap → target → PostgreSQL.

Intercom answers such a token 401 `token_unauthorized` on the tickets endpoints only
(airbytehq/airbyte#64110); the fake does the same with `denied_resources`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from e2e.compare import all_differences
from e2e.scenario import SMALL_WORKSPACE, Scenario

SKIP_WARNING = "Stream tickets skipped"


def test_tickets_denied_skips_tickets_only_and_the_run_is_partial(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=21, denied_resources=("tickets",), **SMALL_WORKSPACE)

    result = scenario.run_ok()

    without_tickets = dataclasses.replace(scenario.fake.truth(), tickets={})

    assert all_differences(scenario.database_url, without_tickets) == []
    assert scenario.fake.truth().tickets, "the workspace has tickets the token may not read"
    [warning] = [line for line in result.tap_stderr.splitlines() if SKIP_WARNING in line]
    assert "“Read tickets”" in warning
    assert "Traceback" not in result.tap_stderr + result.target_stderr
    [row] = scenario.sync_log()
    assert row["status"] == "partial"
    assert set(row["skipped_streams"]) == {"tickets"}
    assert "“Read tickets”" in row["skipped_streams"]["tickets"]
    scenario.assert_sync_log_truthful()

    # Once the permission is granted, the next run reads every ticket: the skipped stream's
    # bookmark never moved.
    scenario.fake.deny()
    scenario.run_ok()
    scenario.assert_exact()
    assert scenario.statuses() == ["partial", "success"]


def test_on_stream_unavailable_fail_stops_the_run_naming_stream_and_permission(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=22, denied_resources=("tickets",), conversations=5)

    result = scenario.run(tap={"on_stream_unavailable": "fail"})

    assert result.tap_returncode != 0
    [last_line] = result.tap_stderr.strip().splitlines()[-1:]
    assert "stream tickets cannot be read" in last_line
    assert "“Read tickets”" in last_line
    [row] = scenario.sync_log()
    assert row["status"] in ("incomplete", "failed")
    assert row["skipped_streams"] == {}
