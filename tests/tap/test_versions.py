"""2.14 and 2.15 answers are normalised to 2.16 values (tap_intercom/normalize.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec
from taprun import TapOutput, config_for, run_tap

LEGACY_PRIORITY = {
    "none": "none",
    "low": "high",
    "medium": "high",
    "high": "high",
    "urgent": "high",
}


@pytest.fixture(scope="module")
def runs(
    module_fake: Callable[..., FakeIntercom], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, TapOutput]:
    spec = WorkspaceSpec(seed=5, conversations=15, contacts=12, companies=4, tickets=6)
    fake = module_fake(spec)
    fake.workspace.mutate(seed=1)
    folder = tmp_path_factory.mktemp("versions")
    return {
        version: run_tap(folder / version, config_for(fake, api_version=version))
        for version in ("2.14", "2.15", "2.16")
    }


def _by_key(output: TapOutput, stream: str, key: str) -> dict[str, dict]:
    return {record[key]: record for record in output.records.get(stream, [])}


@pytest.mark.parametrize("version", ["2.14", "2.15"])
def test_conversations_read_like_2_16(runs: dict[str, TapOutput], version: str) -> None:
    legacy = _by_key(runs[version], "conversations", "conversation_id")
    latest = _by_key(runs["2.16"], "conversations", "conversation_id")
    assert set(legacy) == set(latest)
    for cid, record in latest.items():
        # 2.14/2.15 only say priority/not_priority: a prioritised conversation becomes "high".
        assert legacy[cid]["priority"] == LEGACY_PRIORITY[record["priority"]], cid
        assert legacy[cid]["admin_assignee_id"] == record["admin_assignee_id"], cid
        assert legacy[cid]["team_assignee_id"] == record["team_assignee_id"], cid
        assert isinstance(legacy[cid]["admin_assignee_id"], int)
    assert any(record["admin_assignee_id"] == 0 for record in latest.values())


@pytest.mark.parametrize("version", ["2.14", "2.15"])
def test_contacts_and_tickets_read_like_2_16(runs: dict[str, TapOutput], version: str) -> None:
    for stream, key, fields in (
        ("contacts", "contact_id", ("owner_id", "updated_at", "email")),
        ("tickets", "ticket_id", ("admin_assignee_id", "team_assignee_id", "updated_at")),
    ):
        legacy = _by_key(runs[version], stream, key)
        latest = _by_key(runs["2.16"], stream, key)
        assert set(legacy) == set(latest), stream
        for oid, record in latest.items():
            for field in fields:
                assert legacy[oid][field] == record[field], (stream, oid, field)
    owners = [r["owner_id"] for r in runs[version].records["contacts"] if r["owner_id"]]
    assert owners
    assert all(isinstance(owner, str) for owner in owners)


def test_fields_added_in_later_versions_are_null_before(runs: dict[str, TapOutput]) -> None:
    old = runs["2.14"].records["conversations"]
    assert all(record["company"] is None and record["channel"] is None for record in old)
    assert any(record["channel"] for record in runs["2.16"].records["conversations"])


def test_deleted_conversations_need_2_16(runs: dict[str, TapOutput]) -> None:
    assert runs["2.16"].records["deleted_conversations"]
    assert "deleted_conversations" not in runs["2.14"].records
    assert "needs api_version 2.16" in runs["2.14"].stderr
