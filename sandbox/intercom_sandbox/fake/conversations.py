"""Generation of conversation records (their parts come from parts.py on demand)."""

from __future__ import annotations

import random
from typing import Any

from .clock import ANCHOR, HISTORY_SECONDS
from .config import WorkspaceSpec
from .records import AppliedTag, ConversationRecord
from .seeding import rng_for

EARLIEST = ANCHOR - HISTORY_SECONDS
CONVERSATION_ID_BASE = 215_000_000_000
SOURCE_TYPES = ("conversation", "conversation", "conversation", "email", "email", "facebook",
                "instagram", "phone_call", "push", "sms", "twitter", "whatsapp")  # fmt: skip
PRIORITIES = ("none", "none", "none", "low", "medium", "high", "urgent")
HUGE_MIN_PARTS = 501


def conversation_id(number: int) -> str:
    return str(CONVERSATION_ID_BASE + number)


def make_conversations(
    spec: WorkspaceSpec,
    contacts: dict[str, dict[str, Any]],
    admin_ids: list[str],
    team_ids: list[str],
    tag_ids: list[str],
) -> dict[str, ConversationRecord]:
    contact_list = list(contacts.values())
    records = {}
    for number in range(1, spec.conversations + 1):
        rng = rng_for(spec.seed, "conversation", number)
        huge = number <= spec.huge_conversations
        parts = rng.randint(HUGE_MIN_PARTS, 800) if huge else rng.choice([0, 1, 2, 3, 4, 6, 9, 14])
        record = new_record(rng, number, parts, contact_list, admin_ids, team_ids)
        record.tags = _applied_tags(rng, record, tag_ids, admin_ids)
        records[record.id] = record
    return records


def new_record(
    rng: random.Random,
    number: int,
    parts: int,
    contacts: list[dict[str, Any]],
    admin_ids: list[str],
    team_ids: list[str],
) -> ConversationRecord:
    created = EARLIEST + rng.randrange(HISTORY_SECONDS - 20 * 86_400)
    last = created + (rng.randint(60, 14 * 86_400) if parts else 0)
    contact = rng.choice(contacts) if contacts else None
    teammates = rng.sample(admin_ids, k=min(len(admin_ids), rng.randint(0, 2)))
    state = rng.choice(["open", "closed", "closed", "snoozed"])
    admin_initiated = rng.random() < 0.2 or contact is None
    company_ids = [c["id"] for c in contact["companies"]["data"]] if contact else []
    return ConversationRecord(
        id=conversation_id(number),
        number=number,
        created_at=created,
        updated_at=last,
        generated_until=last,
        generated_parts=parts,
        state=state,
        read=rng.random() < 0.7,
        priority=rng.choice(PRIORITIES),
        admin_assignee_id=int(teammates[0]) if teammates else 0,
        team_assignee_id=int(rng.choice(team_ids)) if team_ids and rng.random() < 0.5 else 0,
        contact_ids=[contact["id"]] if contact else [],
        company_id=company_ids[0] if company_ids else None,
        source_type=rng.choice(SOURCE_TYPES),
        source_author=("admin", rng.choice(admin_ids))
        if admin_initiated
        else (contact["role"] if contact else "user", contact["id"] if contact else ""),
        teammate_ids=teammates,
        title=None if rng.random() < 0.7 else f"Ticket about {rng.choice(['billing', 'login'])}",
        waiting_since=last if state == "open" and rng.random() < 0.5 else None,
        snoozed_until=last + 86_400 if state == "snoozed" else None,
        ai_agent_participated=rng.random() < 0.15,
        rating=rng.randint(1, 5) if state == "closed" and rng.random() < 0.3 else None,
    )


def _applied_tags(
    rng: random.Random, record: ConversationRecord, tag_ids: list[str], admin_ids: list[str]
) -> list[AppliedTag]:
    chosen = rng.sample(tag_ids, k=min(len(tag_ids), rng.choice([0, 0, 1, 1, 2, 3])))
    return [
        AppliedTag(tag, rng.randint(record.created_at, record.updated_at), rng.choice(admin_ids))
        for tag in chosen
    ]
