"""Conversation parts, regenerated from the seed on demand so huge workspaces stay small in memory.

Part i of a conversation always comes out the same, so the API and the ground truth agree.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from .content import attachments, html_body, sentence
from .records import ConversationRecord
from .seeding import rng_for

if TYPE_CHECKING:
    from .workspace import Workspace

# Documented part types (1.0 conversation part model page; 2.16 spec examples), weighted so that
# messages dominate as they do in real inboxes.
PART_TYPES: tuple[tuple[str, int], ...] = (
    ("comment", 40), ("note", 10), ("assignment", 6), ("open", 3), ("close", 4),
    ("note_and_reopen", 1), ("away_mode_assignment", 1), ("participant_added", 1),
    ("participant_removed", 1), ("conversation_rating_changed", 1),
    ("conversation_rating_remark_added", 1), ("snoozed", 2), ("unsnoozed", 1),
    ("assign_and_unsnooze", 1), ("timer_unsnooze", 1), ("custom_action_started", 1),
    ("custom_action_finished", 1), ("conversation_attribute_updated_by_admin", 1),
    ("quick_reply", 2), ("assign_and_reopen", 1),
)  # fmt: skip
_TYPES = [name for name, _ in PART_TYPES]
_WEIGHTS = [weight for _, weight in PART_TYPES]
WITH_BODY = {
    "comment",
    "note",
    "note_and_reopen",
    "quick_reply",
    "conversation_rating_remark_added",
}
CONTACT_WRITTEN = {"comment", "conversation_rating_changed", "conversation_rating_remark_added"}
ASSIGNING = {"assignment", "away_mode_assignment", "assign_and_unsnooze", "assign_and_reopen"}
PART_ID_BASE = 10_000_000_000


def generated_part_id(record: ConversationRecord, index: int) -> str:
    return str(PART_ID_BASE + record.number * 1_000 + index)


def part_times(record: ConversationRecord) -> list[int]:
    """created_at of each seed-generated part: spread evenly, the last at `generated_until`."""
    count = record.generated_parts
    span = record.generated_until - record.created_at
    return [record.created_at + (i + 1) * span // count for i in range(count)]


def all_parts(ws: Workspace, record: ConversationRecord) -> list[dict[str, Any]]:
    times = part_times(record)
    generated = [generate_part(ws, record, i, times[i]) for i in range(record.generated_parts)]
    return generated + [dict(part) for part in record.extra_parts]


def latest_parts(ws: Workspace, record: ConversationRecord, limit: int) -> list[dict[str, Any]]:
    """The `limit` most recent parts, oldest first (what GET /conversations/{id} returns)."""
    extra = [dict(part) for part in record.extra_parts[-limit:]]
    wanted = limit - len(extra)
    if wanted <= 0:
        return extra
    times = part_times(record)
    first = max(0, record.generated_parts - wanted)
    generated = [
        generate_part(ws, record, i, times[i]) for i in range(first, record.generated_parts)
    ]
    return generated + extra


def generate_part(
    ws: Workspace, record: ConversationRecord, index: int, created_at: int
) -> dict[str, Any]:
    rng = rng_for(ws.spec.seed, "part", record.id, index)
    part_type = rng.choices(_TYPES, _WEIGHTS)[0]
    part = base_part(generated_part_id(record, index), part_type, created_at)
    part["author"] = part_author(ws, record, part_type, rng)
    part["state"] = _state_after(part_type, record)
    if part_type in WITH_BODY:
        part["body"] = html_body(rng)
        part["attachments"] = attachments(rng, int(part["id"]))
    if part_type in ASSIGNING:
        part["assigned_to"] = _assignee(ws, record, rng)
    if part_type == "quick_reply":
        part["metadata"] = _quick_reply(rng)
    if record.source_type == "email" and part_type == "comment":
        part["email_message_metadata"] = _email_metadata(part["author"], rng)
    return part


def base_part(part_id: str, part_type: str, created_at: int) -> dict[str, Any]:
    return {
        "type": "conversation_part",
        "id": part_id,
        "part_type": part_type,
        "body": None,
        "created_at": created_at,
        "updated_at": created_at,
        "notified_at": created_at,
        "assigned_to": None,
        "author": None,
        "attachments": [],
        "external_id": None,
        "redacted": False,
        "state": "open",
        "tags": [],
        "app_package_code": None,
    }


def part_author(
    ws: Workspace, record: ConversationRecord, part_type: str, rng: random.Random
) -> dict[str, Any]:
    roll = rng.random()
    if part_type in CONTACT_WRITTEN and roll < 0.55 and record.contact_ids:
        return ws.contact_author(rng.choice(record.contact_ids), as_contact=roll < 0.05)
    if (
        part_type in {"quick_reply", "custom_action_started", "custom_action_finished"}
        or roll > 0.9
    ):
        return ws.bot_author(ai=roll > 0.95)
    if part_type in ASSIGNING and roll < 0.2 and ws.teams:
        return ws.team_author(rng.choice(sorted(ws.teams)))
    admin_id = rng.choice(record.teammate_ids) if record.teammate_ids else ws.first_admin_id
    return ws.admin_author(admin_id)


def _state_after(part_type: str, record: ConversationRecord) -> str:
    if part_type == "close":
        return "closed"
    if part_type == "snoozed":
        return "snoozed"
    return "open" if part_type != "comment" else ("closed" if record.state == "closed" else "open")


def _assignee(ws: Workspace, record: ConversationRecord, rng: random.Random) -> dict[str, Any]:
    if record.team_assignee_id and rng.random() < 0.3:
        return {"type": "team", "id": str(record.team_assignee_id)}
    admin_id = rng.choice(record.teammate_ids) if record.teammate_ids else ws.first_admin_id
    return {"type": "admin", "id": admin_id}


def _quick_reply(rng: random.Random) -> dict[str, Any]:
    options = [{"text": sentence(rng, 2), "uuid": _uuid(rng)} for _ in range(rng.randint(2, 3))]
    return {"quick_reply_options": options, "quick_reply_uuid": options[0]["uuid"]}


def _email_metadata(author: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    header = {"type": "from", "email_address": author["email"], "name": author["name"]}
    return {
        "subject": sentence(rng, 4),
        "email_address_headers": [header],
        "message_id": f"<{rng.getrandbits(64):x}@mail.example.com>",
    }


def _uuid(rng: random.Random) -> str:
    value = f"{rng.getrandbits(128):032x}"
    return f"{value[:8]}-{value[8:12]}-4{value[13:16]}-a{value[17:20]}-{value[20:]}"
