"""Mutations change the workspace deterministically; the API and the ground truth follow."""

from __future__ import annotations

import time

import pytest
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

from fake.api import EVERYTHING, UPDATED_ASC, Api

SPEC = {"seed": 9, "conversations": 30, "contacts": 30, "tickets": 5, "tags": 6}


def _without_times(truth) -> dict:
    """The truth with real-clock timestamps blanked, to compare two runs of the same mutation."""
    stamp = max(c["updated_at"] for c in truth.conversations.values())

    def blank(value):
        if isinstance(value, dict):
            return {k: blank(v) for k, v in value.items()}
        if isinstance(value, list):
            return [blank(v) for v in value]
        return "now" if isinstance(value, int) and value >= stamp - 5 else value

    return blank({"conversations": truth.conversations, "contacts": truth.contacts,
                  "deleted": sorted(truth.deleted_conversations)})  # fmt: skip


def test_the_same_seed_makes_the_same_changes() -> None:
    first, second = FakeIntercom(WorkspaceSpec(**SPEC)), FakeIntercom(WorkspaceSpec(**SPEC))
    summaries = [fake.workspace.mutate(seed=3) for fake in (first, second)]
    assert summaries[0].updated_conversations == summaries[1].updated_conversations
    assert summaries[0].deleted_conversations == summaries[1].deleted_conversations
    assert _without_times(first.truth()) == _without_times(second.truth())
    other = FakeIntercom(WorkspaceSpec(**SPEC)).workspace.mutate(seed=4)
    assert other.updated_conversations != summaries[0].updated_conversations


def test_a_mutation_changes_what_the_api_serves(fake_intercom) -> None:
    fake = fake_intercom(**SPEC)
    before = fake.truth()
    changes = fake.workspace.mutate(seed=3)
    after = fake.truth()
    now = time.time()
    assert changes.timestamp <= now
    for cid in changes.updated_conversations:
        parts = after.conversations[cid]["conversation_parts"]["conversation_parts"]
        old_parts = before.conversations[cid]["conversation_parts"]["conversation_parts"]
        assert len(parts) > len(old_parts)
        assert after.conversations[cid]["updated_at"] == changes.timestamp
        assert parts[-1]["created_at"] == changes.timestamp
    for cid in changes.new_conversations:
        assert cid not in before.conversations
        assert after.conversations[cid]["created_at"] == changes.timestamp
    (deleted,) = changes.deleted_conversations
    assert deleted not in after.conversations
    assert after.deleted_conversations == {deleted: changes.timestamp}

    served = Api(fake).search_all("/conversations/search", EVERYTHING, UPDATED_ASC, per_page=150)
    assert {c["id"] for c in served} == set(after.conversations)
    deleted_list = Api(fake).get("/conversations/deleted").json()["conversations"]
    assert [d["id"] for d in deleted_list] == [deleted]


def test_tags_are_removed_and_added_with_applied_at_and_applied_by(fake_intercom) -> None:
    fake = fake_intercom(**SPEC)
    before = fake.truth().conversations
    changes = fake.workspace.mutate(seed=3)
    after = fake.truth().conversations

    def tag_ids(conversations, cid) -> set[str]:
        return {t["id"] for t in conversations[cid]["tags"]["tags"]}

    (untagged,) = changes.untagged_conversations
    assert tag_ids(after, untagged) < tag_ids(before, untagged)
    assert changes.tagged_conversations
    for cid in changes.tagged_conversations:
        added = [t for t in after[cid]["tags"]["tags"] if t["applied_at"] == changes.timestamp]
        assert added
        assert added[0]["applied_by"]["type"] == "admin"


def test_later_mutations_are_later_and_never_in_the_future() -> None:
    fake = FakeIntercom(WorkspaceSpec(**SPEC))
    stamps = [fake.workspace.mutate(seed=seed).timestamp for seed in (1, 2)]
    assert stamps[0] < stamps[1] <= time.time()
    latest = max(c["updated_at"] for c in fake.truth().conversations.values())
    assert latest == stamps[1]


def test_a_scheduled_mutation_lands_between_two_search_pages(fake_intercom) -> None:
    """Stateless cursors: a record updated mid-paging shows up again at the end (ascending)."""
    fake = fake_intercom(**SPEC)
    fake.schedule_mutation(after_requests=1, seed=3, path_prefix="/conversations/search")
    items = Api(fake).search_all("/conversations/search", EVERYTHING, UPDATED_ASC, per_page=20)
    ids = [c["id"] for c in items]
    (summary,) = fake.mutation_summaries
    first_page = set(ids[:20])
    moved = (set(summary.updated_conversations) | set(summary.tagged_conversations)) & first_page
    assert moved, "the mutation touched a conversation already served on page 1"
    assert all(ids.count(cid) == 2 for cid in moved), "served again after its update"
    assert set(summary.new_conversations) <= set(ids)


def test_truth_holds_every_part_untruncated(fake_intercom) -> None:
    fake = fake_intercom(seed=9, conversations=3, contacts=5, huge_conversations=1)
    truth = fake.truth()
    counts = [c["statistics"]["count_conversation_parts"] for c in truth.conversations.values()]
    lengths = [
        len(c["conversation_parts"]["conversation_parts"]) for c in truth.conversations.values()
    ]
    assert counts == [length + 1 for length in lengths]  # with the source (airbytehq/airbyte#39463)
    assert max(lengths) > 500


def test_a_ticket_changes_state_with_a_new_part(fake_intercom) -> None:
    fake = fake_intercom(**SPEC)
    before = fake.truth().tickets
    changes = fake.workspace.mutate(seed=3)
    (ticket_id,) = changes.updated_tickets
    query = {"field": "updated_at", "operator": ">=", "value": changes.timestamp}
    (served,) = Api(fake).search("/tickets/search", query)["tickets"]
    assert served["id"] == ticket_id
    assert served["open"] != before[ticket_id]["open"]
    assert served["previous_ticket_state_id"] == before[ticket_id]["ticket_state"]["id"]
    parts = served["ticket_parts"]["ticket_parts"]
    assert len(parts) == len(before[ticket_id]["ticket_parts"]["ticket_parts"]) + 1
    assert parts[-1]["ticket_state"] == served["ticket_state"]["category"]


def test_a_tag_applied_to_something_cannot_be_deleted_and_an_unused_one_can() -> None:
    fake = FakeIntercom(WorkspaceSpec(**SPEC))
    workspace = fake.workspace
    applied = next(t for c in workspace.conversations.values() for t in c.tag_ids)
    with pytest.raises(ValueError, match="dependent objects"):
        workspace.delete_tag(applied)
    unused = workspace.add_tag("Temporary")
    assert fake.truth().tags[unused]["name"] == "Temporary"
    workspace.delete_tag(unused)
    assert unused not in fake.truth().tags
    assert applied in fake.truth().tags
