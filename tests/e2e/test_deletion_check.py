"""Contacts and companies that Intercom no longer has end up marked in Supabase by the
deletion check (complete id snapshots), never from an incomplete listing, as often as
`deletion_check_interval_hours` says, with the count in the sync log."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from typing import Any

from e2e.pipeline import target_command
from e2e.scenario import SMALL_WORKSPACE, Scenario, write_json
from e2e.tables import fetch_rows, sync_logs

EVERY_RUN = {"deletion_check_interval_hours": 0}


def rows(scenario: Scenario, table: str, key: str) -> dict[str, dict[str, Any]]:
    columns = [key, "deleted_at", "merged_into_id"]
    return {row[key]: row for row in fetch_rows(scenario.database_url, table, columns)}


def remove_one_of_each(scenario: Scenario) -> dict[str, str]:
    """Delete a contact, archive one, merge a lead into a user, delete a company."""
    ws = scenario.fake.workspace
    users = sorted(c for c, v in ws.contacts.items() if v["role"] == "user")
    leads = sorted(c for c, v in ws.contacts.items() if v["role"] == "lead")
    removed = {"deleted": users[1], "archived": users[2], "lead": leads[0], "user": users[0]}
    removed["company"] = sorted(ws.companies)[0]
    ws.remove("contact.deleted", removed["deleted"])
    ws.remove("contact.archived", removed["archived"])
    ws.remove("contact.merged", removed["lead"], into=removed["user"])
    ws.remove("company.deleted", removed["company"])
    return removed


def test_deleted_archived_merged_contacts_and_deleted_companies_are_marked(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=17, **SMALL_WORKSPACE)
    scenario.tap_settings = EVERY_RUN
    scenario.run_ok()
    removed = remove_one_of_each(scenario)
    scenario.run_ok()

    scenario.assert_exact()  # live rows unmarked, removed ones marked
    users = rows(scenario, "intercom_users", "contact_id")
    for name in ("deleted", "archived", "lead"):
        assert users[removed[name]]["deleted_at"] is not None, name
    assert users[removed["lead"]]["merged_into_id"] == removed["user"]
    assert users[removed["user"]]["deleted_at"] is None
    assert sum(row["deleted_at"] is not None for row in users.values()) == 3
    companies = rows(scenario, "intercom_companies", "company_id")
    assert [c for c, row in companies.items() if row["deleted_at"] is not None] == [
        removed["company"]
    ]
    marked = [row["rows_marked_deleted"] for row in scenario.sync_log()]
    # A check that found nothing says so with a 0.
    first = {"intercom_users": 0, "intercom_companies": 0}
    assert marked == [first, {"intercom_users": 3, "intercom_companies": 1}]


def test_the_interval_decides_when_the_check_runs_and_its_time_is_in_the_state(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=18, **SMALL_WORKSPACE)
    scenario.run_ok()  # default 24 hours: the first run checks (never checked before)
    checked_at = scenario.state["bookmarks"]["contact_ids_snapshot"]["checked_at"]
    removed = remove_one_of_each(scenario)

    scenario.run_ok()  # within 24 hours: no check, nothing marked yet
    assert rows(scenario, "intercom_users", "contact_id")[removed["deleted"]]["deleted_at"] is None
    assert scenario.state["bookmarks"]["contact_ids_snapshot"]["checked_at"] == checked_at

    scenario.run_ok(tap=EVERY_RUN)
    assert rows(scenario, "intercom_users", "contact_id")[removed["deleted"]]["deleted_at"]
    assert scenario.state["bookmarks"]["contact_ids_snapshot"]["checked_at"] > checked_at


def test_a_snapshot_cut_short_marks_nothing(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=19, **SMALL_WORKSPACE)
    scenario.tap_settings = EVERY_RUN
    scenario.run_ok()
    removed = remove_one_of_each(scenario)
    # The tap's output of a whole run, cut before the contacts snapshot's closing record: what
    # the target reads when the listing failed part way or the tap died.
    output = scenario.tap_output_lines()
    closing = next(
        i
        for i, line in enumerate(output)
        if '"contact_ids_snapshot"' in line and '"complete":true' in line.replace(" ", "")
    )
    folder = scenario.workdir / "cut"
    folder.mkdir()
    target_file = write_json(folder / "target.json", scenario.target_config())
    subprocess.run(
        target_command(target_file),
        input="\n".join(output[:closing]) + "\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    users = rows(scenario, "intercom_users", "contact_id")
    assert users[removed["deleted"]]["deleted_at"] is None
    assert users[removed["lead"]]["deleted_at"] is None
    last = sync_logs(scenario.database_url)[-1]
    assert last["status"] == "incomplete"
    assert "intercom_users" not in last["rows_marked_deleted"]
    assert json.dumps(last["rows_marked_deleted"]) == json.dumps(
        {"intercom_companies": 1}
    )  # the companies snapshot before it was whole, and applied
