"""The generated workspace: deterministic, realistic, in the past, and cheap at benchmark sizes."""

from __future__ import annotations

import time
from collections.abc import Iterator

from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

SPEC = WorkspaceSpec(seed=7, conversations=200, contacts=80, companies=20, tickets=10, admins=6,
                     teams=3, tags=10, segments=4, huge_conversations=1)  # fmt: skip
TIME_KEYS = {"waiting_since", "snoozed_until", "trial_ends_at", "renewal_at"}
DOCUMENTED_PART_TYPES = {
    "comment", "note", "note_and_reopen", "assignment", "open", "close", "away_mode_assignment",
    "participant_added", "participant_removed", "conversation_rating_changed",
    "conversation_rating_remark_added", "snoozed", "unsnoozed", "assign_and_unsnooze",
    "timer_unsnooze",
}  # fmt: skip


def _parts(truth) -> list[dict]:
    return [
        part
        for conversation in truth.conversations.values()
        for part in conversation["conversation_parts"]["conversation_parts"]
    ]


def test_the_same_seed_gives_the_same_workspace() -> None:
    first, second = FakeIntercom(SPEC).truth(), FakeIntercom(SPEC).truth()
    assert first == second
    other = FakeIntercom(WorkspaceSpec(seed=8, conversations=200, contacts=80)).truth()
    assert other.conversations != first.conversations


def test_sizes_follow_the_spec() -> None:
    truth = FakeIntercom(SPEC).truth()
    sizes = [len(truth.conversations), len(truth.contacts), len(truth.companies),
             len(truth.tickets), len(truth.admins), len(truth.teams), len(truth.tags),
             len(truth.segments)]  # fmt: skip
    assert sizes == [200, 80, 20, 10, 6, 3, 10, 4]
    huge = [
        c for c in truth.conversations.values() if c["statistics"]["count_conversation_parts"] > 500
    ]
    assert len(huge) == 1


def test_parts_cover_every_documented_type_and_author_type() -> None:
    parts = _parts(FakeIntercom(SPEC).truth())
    assert {p["part_type"] for p in parts} >= DOCUMENTED_PART_TYPES
    assert {"admin", "bot", "team", "user", "lead", "contact"} <= {
        p["author"]["type"] for p in parts
    }
    assert len({p["id"] for p in parts}) == len(parts), "part ids are unique"


def test_bodies_are_messy_like_real_ones() -> None:
    truth = FakeIntercom(SPEC).truth()
    bodies = [p["body"] for p in _parts(truth) if p["body"]]
    assert any("\u0000" in body for body in bodies)
    assert any(len(body) > 20_000 for body in bodies)
    assert any("<a href=" in body for body in bodies)
    assert any(ord(ch) > 0xFFFF for body in bodies for ch in body), "emoji beyond the BMP"
    assert any(p["attachments"] for p in _parts(truth))


def test_tags_custom_attributes_and_ids() -> None:
    truth = FakeIntercom(SPEC).truth()
    applied = [t for c in truth.conversations.values() for t in c["tags"]["tags"]]
    assert applied
    assert all(t["applied_at"] and t["applied_by"]["type"] == "admin" for t in applied)
    contact = next(iter(truth.contacts.values()))
    types = {type(v) for v in contact["custom_attributes"].values() if v is not None}
    assert {str, int, float, bool} <= types
    assert all(cid.isdigit() for cid in truth.conversations)
    assert all(tid.isdigit() for tid in truth.tickets)


def test_every_timestamp_is_in_the_past() -> None:
    now = int(time.time())
    truth = FakeIntercom(SPEC).truth()
    stamps = list(
        _timestamps([truth.conversations, truth.contacts, truth.companies, truth.tickets])
    )
    assert len(stamps) > 1_000
    assert max(stamps) < now
    assert min(stamps) > now - 3 * 365 * 86_400


def _timestamps(value: object, key: str = "") -> Iterator[int]:
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _timestamps(child, str(child_key))
    elif isinstance(value, list):
        for child in value:
            yield from _timestamps(child, key)
    elif isinstance(value, int) and (key.endswith("_at") or key in TIME_KEYS):
        yield value


def test_fifty_thousand_conversations_generate_quickly() -> None:
    started = time.perf_counter()
    fake = FakeIntercom(WorkspaceSpec(conversations=50_000, contacts=2_000, huge_conversations=5))
    assert len(fake.workspace.conversations) == 50_000
    assert time.perf_counter() - started < 30
