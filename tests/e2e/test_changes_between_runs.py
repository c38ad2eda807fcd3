"""Scenario 4: the workspace changes between runs and while a run is paging; after the next run the
tables equal Intercom again (new parts, new conversations, late same-day contact updates, removed
tags, deleted conversations marked deleted, the 500-part limit flagged)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from e2e.expected import PART_LIMIT, all_parts, ts
from e2e.scenario import SMALL_WORKSPACE, Scenario
from e2e.tables import fetch_rows


def conversation(scenario: Scenario, conversation_id: str) -> dict[str, Any]:
    rows = fetch_rows(
        scenario.database_url,
        "intercom_conversations",
        ["conversation_id", "deleted_at", "parts_total_count", "parts_truncated"],
    )
    return {row["conversation_id"]: row for row in rows}[conversation_id]


def contact_updated_at(scenario: Scenario, contact_id: str) -> Any:
    rows = fetch_rows(scenario.database_url, "intercom_users", ["contact_id", "updated_at"])
    return {row["contact_id"]: row["updated_at"] for row in rows}[contact_id]


def applied_tags(truth: Any, conversation_id: str) -> list[dict[str, Any]]:
    return list(truth.conversations[conversation_id]["tags"]["tags"])


def tag_ids(scenario: Scenario, conversation_id: str) -> set[str]:
    columns = ["conversation_id", "tag_id"]
    rows = fetch_rows(scenario.database_url, "intercom_conversation_tags", columns)
    return {row["tag_id"] for row in rows if row["conversation_id"] == conversation_id}


def test_changes_between_runs_are_all_loaded_by_the_next_run(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=41, huge_conversations=1, **SMALL_WORKSPACE)
    scenario.run_ok()
    scenario.assert_exact()

    changes = scenario.fake.workspace.mutate(seed=3)
    untagged = changes.untagged_conversations[0]
    still_applied = {tag["id"] for tag in applied_tags(scenario.fake.truth(), untagged)}
    removed = tag_ids(scenario, untagged) - still_applied
    assert removed, "the mutation removed a tag that the first run had loaded"
    scenario.run_ok()

    scenario.assert_exact()
    assert not removed & tag_ids(scenario, untagged)
    deleted = changes.deleted_conversations[0]
    assert conversation(scenario, deleted)["deleted_at"] is not None

    # Contact search matches by calendar day: a second change today lands on the bookmark's day.
    later = scenario.fake.workspace.mutate(seed=7)
    if later.same_day_contact is None:  # the day turned between the two changes
        later = scenario.fake.workspace.mutate(seed=8)
    assert later.same_day_contact is not None
    scenario.run_ok()
    scenario.assert_exact()
    truth_updated_at = scenario.fake.truth().contacts[later.same_day_contact]["updated_at"]
    assert contact_updated_at(scenario, later.same_day_contact) == ts(truth_updated_at)
    assert [row["sync_type"] for row in scenario.sync_log()] == ["full"] + ["incremental"] * 2
    assert scenario.statuses() == ["success"] * 3


def test_the_500_part_limit_is_flagged_with_the_true_count(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=42, conversations=5, contacts=5, huge_conversations=1)
    scenario.run_ok()
    scenario.assert_exact()
    truth = scenario.fake.truth()
    huge = [cid for cid, conv in truth.conversations.items() if len(all_parts(conv)) > PART_LIMIT]
    assert huge, "the workspace has a conversation beyond Intercom's 500-part limit"
    row = conversation(scenario, huge[0])
    assert row["parts_truncated"] is True
    assert row["parts_total_count"] == len(all_parts(truth.conversations[huge[0]]))


def test_new_parts_on_a_conversation_past_the_limit_slide_its_window(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=91, conversations=8, contacts=5, huge_conversations=3)
    scenario.run_ok()
    truth = scenario.fake.truth()
    huge = {cid for cid, conv in truth.conversations.items() if len(all_parts(conv)) > PART_LIMIT}
    changes = scenario.fake.workspace.mutate(seed=1)
    assert huge & set(changes.updated_conversations), "a conversation past the limit got parts"
    scenario.run_ok()

    # The newest 500 parts are loaded; older ones loaded earlier stay (they still exist).
    scenario.assert_exact()


def test_updates_landing_while_a_run_pages_are_loaded_by_the_next_run(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=43, **SMALL_WORKSPACE)
    # A first full run pages through 40 conversations and 30 contacts, 10 per page.
    for seed, after, path in ((5, 2, "/conversations/search"), (6, 1, "/contacts/search")):
        scenario.fake.schedule_mutation(after_requests=after, seed=seed, path_prefix=path)
    scenario.run_ok()
    assert len(scenario.fake.mutation_summaries) == 2, "both changes landed during the first run"
    # They came after the run's window was frozen, so they are for the next run to load.
    assert scenario.differences()
    scenario.run_ok()

    scenario.assert_exact()
    assert scenario.statuses() == ["success"] * 2
