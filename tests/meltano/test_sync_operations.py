"""The sync operations users run, through Meltano, against the fake Intercom and a real
PostgreSQL: full, incremental (from state, or the last N hours), a date range, one conversation."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest
from e2e.compare import all_differences
from e2e.expected import visible_parts
from e2e.tables import fetch_rows, sync_logs
from intercom_sandbox.fake import FakeIntercom

from meltano.project import MeltanoProject

PIPELINE = ("run", "tap-intercom", "target-supabase")

pytestmark = pytest.mark.slow  # each test runs Meltano (a few seconds a run)


def conversation_ids(database_url: str) -> set[str]:
    rows = fetch_rows(database_url, "intercom_conversations", ["conversation_id"])
    return {row["conversation_id"] for row in rows}


def message_conversations(database_url: str) -> set[str]:
    rows = fetch_rows(database_url, "intercom_messages", ["conversation_id"])
    return {row["conversation_id"] for row in rows}


def live_conversations(fake: FakeIntercom) -> dict[str, dict]:
    truth = fake.truth()
    return {
        cid: conv
        for cid, conv in truth.conversations.items()
        if cid not in truth.deleted_conversations
    }


def iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat()


def test_run_loads_everything_then_the_job_runs_incrementally(
    meltano_project: MeltanoProject, fake: FakeIntercom, database_url: str, plugin_env: dict
) -> None:
    meltano_project.run(*PIPELINE, env=plugin_env)

    assert all_differences(database_url, fake.truth()) == []
    first = sync_logs(database_url)
    assert [(log["sync_type"], log["status"]) for log in first] == [("full", "success")]

    changed = fake.workspace.mutate(seed=5)
    meltano_project.run("run", "intercom-to-supabase", env=plugin_env)

    assert all_differences(database_url, fake.truth()) == [], changed
    second = sync_logs(database_url)[-1]
    assert (second["sync_type"], second["status"]) == ("incremental", "success")
    assert 0 < second["conversations_synced"] < first[0]["conversations_synced"]


def test_full_refresh_reads_everything_again(
    meltano_project: MeltanoProject, fake: FakeIntercom, database_url: str, plugin_env: dict
) -> None:
    meltano_project.run(*PIPELINE, env=plugin_env)
    meltano_project.run(*PIPELINE, "--full-refresh", env=plugin_env)

    logs = sync_logs(database_url)
    assert [(log["sync_type"], log["status"]) for log in logs] == [("full", "success")] * 2
    assert logs[1]["conversations_synced"] == len(live_conversations(fake))
    assert all_differences(database_url, fake.truth()) == []


def test_a_date_range_loads_only_conversations_updated_in_it(
    meltano_project: MeltanoProject, fake: FakeIntercom, database_url: str, plugin_env: dict
) -> None:
    updated = sorted({conv["updated_at"] for conv in live_conversations(fake).values()})
    start, end = updated[len(updated) // 4] - 1, updated[3 * len(updated) // 4] + 1
    env = plugin_env | {"TAP_INTERCOM_START_DATE": iso(start), "TAP_INTERCOM_END_DATE": iso(end)}
    meltano_project.run(*PIPELINE, env=env)

    expected = {
        cid for cid, conv in live_conversations(fake).items() if start <= conv["updated_at"] < end
    }
    assert expected
    assert expected != set(live_conversations(fake))
    assert conversation_ids(database_url) == expected
    assert message_conversations(database_url) <= expected
    assert sync_logs(database_url)[-1]["sync_type"] == "date_range"


def test_one_conversation(
    meltano_project: MeltanoProject, fake: FakeIntercom, database_url: str, plugin_env: dict
) -> None:
    chosen = sorted(live_conversations(fake))[3]
    env = plugin_env | {"TAP_INTERCOM_CONVERSATION_IDS": json.dumps([chosen])}
    meltano_project.run(*PIPELINE, env=env)

    assert conversation_ids(database_url) == {chosen}
    parts = visible_parts(live_conversations(fake)[chosen])
    messages = fetch_rows(database_url, "intercom_messages", ["message_id"])
    assert parts
    assert {row["message_id"] for row in messages} == {str(part["id"]) for part in parts}
    assert sync_logs(database_url)[-1]["sync_type"] == "conversations"


def test_hours_back_loads_only_what_changed_in_the_last_hours(
    meltano_project: MeltanoProject, fake: FakeIntercom, database_url: str, plugin_env: dict
) -> None:
    fake.workspace.mutate(seed=8)
    hour_ago = time.time() - 3600
    recent = {cid for cid, c in live_conversations(fake).items() if c["updated_at"] >= hour_ago}
    meltano_project.run(*PIPELINE, env=plugin_env | {"TAP_INTERCOM_HOURS_BACK": "1"})

    assert recent
    assert recent != set(live_conversations(fake))
    assert conversation_ids(database_url) == recent
    assert sync_logs(database_url)[-1]["sync_type"] == "incremental"


def test_a_one_off_run_with_its_own_state_id_leaves_the_jobs_bookmarks_alone(
    meltano_project: MeltanoProject, fake: FakeIntercom, database_url: str, plugin_env: dict
) -> None:
    """The README runs date ranges (and other one-off runs) with `--state-id-suffix`: their
    bookmarks are kept apart, and the next scheduled run continues from its own."""
    job_state_id = "prod:tap-intercom-to-target-supabase"
    meltano_project.run(*PIPELINE, env=plugin_env)
    before = meltano_project.run("state", "get", job_state_id, env=plugin_env).stdout

    updated = sorted({conv["updated_at"] for conv in live_conversations(fake).values()})
    start, end = updated[len(updated) // 2], updated[-1] + 1
    env = plugin_env | {"TAP_INTERCOM_START_DATE": iso(start), "TAP_INTERCOM_END_DATE": iso(end)}
    meltano_project.run(*PIPELINE, "--state-id-suffix=backfill", env=env)
    after = meltano_project.run("state", "get", job_state_id, env=plugin_env).stdout
    listed = meltano_project.run("state", "list", env=plugin_env).stdout

    assert json.loads(after) == json.loads(before)
    assert f"{job_state_id}:backfill" in listed
    assert [log["sync_type"] for log in sync_logs(database_url)] == ["full", "date_range"]
