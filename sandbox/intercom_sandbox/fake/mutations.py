"""Deterministic changes to a workspace, as a real inbox sees between two syncs.

For a given workspace state and seed, the same objects change in the same way; only the
timestamps come from the real clock (strictly increasing, never in the future).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .clock import day_start
from .content import html_body
from .conversations import new_record
from .parts import base_part
from .records import AppliedTag, ConversationRecord
from .seeding import rng_for
from .tickets import STATE_IN_PROGRESS, STATE_RESOLVED, ticket_part, ticket_state
from .workspace import DeletedConversation, Workspace

EXTRA_PART_ID_BASE = 90_000_000_000


@dataclass
class MutationSummary:
    """What one mutation changed (ids), and the time it stamped on the changed objects."""

    timestamp: int
    updated_conversations: list[str] = field(default_factory=list)
    new_conversations: list[str] = field(default_factory=list)
    tagged_conversations: list[str] = field(default_factory=list)
    untagged_conversations: list[str] = field(default_factory=list)
    deleted_conversations: list[str] = field(default_factory=list)
    updated_contacts: list[str] = field(default_factory=list)
    same_day_contact: str | None = None  # updated on the day of the previous latest update
    updated_tickets: list[str] = field(default_factory=list)
    updated_companies: list[str] = field(default_factory=list)


def apply_mutation(ws: Workspace, seed: int) -> MutationSummary:
    rng = rng_for(ws.spec.seed, "mutation", seed)
    summary = MutationSummary(timestamp=ws.clock.tick())
    _add_parts(ws, rng, summary)
    _retag(ws, rng, summary)
    _delete_conversation(ws, rng, summary)
    _new_conversations(ws, rng, summary)
    _update_contacts(ws, rng, summary)
    _update_ticket(ws, rng, summary)
    # Its own random stream, so that adding it changed none of the draws above.
    _update_companies(ws, rng_for(ws.spec.seed, "company-mutation", seed), summary)
    ws.mutations_applied += 1
    return summary


def _sample(rng: random.Random, ids: list[str], count: int) -> list[str]:
    return rng.sample(ids, k=min(len(ids), count))


def _add_parts(ws: Workspace, rng: random.Random, summary: MutationSummary) -> None:
    live = sorted(ws.conversations)
    for cid in _sample(rng, live, max(1, len(live) // 10)):
        record = ws.conversations[cid]
        for _ in range(rng.randint(1, 3)):
            record.extra_parts.append(_new_part(ws, record, rng, summary.timestamp))
        record.state = rng.choice(["open", "closed"])
        record.waiting_since = summary.timestamp if record.state == "open" else None
        record.snoozed_until = None
        record.read = False
        record.updated_at = summary.timestamp
        summary.updated_conversations.append(cid)


def _new_part(
    ws: Workspace, record: ConversationRecord, rng: random.Random, at: int
) -> dict[str, Any]:
    ws.extra_parts_created += 1
    part_id = str(EXTRA_PART_ID_BASE + ws.extra_parts_created)
    part = base_part(part_id, rng.choice(["comment", "comment", "note", "close"]), at)
    if part["part_type"] != "close" and record.contact_ids and rng.random() < 0.5:
        part["author"] = ws.contact_author(record.contact_ids[0])
    else:
        admin_id = record.teammate_ids[0] if record.teammate_ids else ws.first_admin_id
        part["author"] = ws.admin_author(admin_id)
    if part["part_type"] != "close":
        part["body"] = html_body(rng)
    part["state"] = "closed" if part["part_type"] == "close" else "open"
    return part


def _retag(ws: Workspace, rng: random.Random, summary: MutationSummary) -> None:
    tagged = sorted(cid for cid, r in ws.conversations.items() if r.tags)
    for cid in _sample(rng, tagged, 1):
        record = ws.conversations[cid]
        record.tags.pop(rng.randrange(len(record.tags)))
        record.updated_at = summary.timestamp
        summary.untagged_conversations.append(cid)
    untagged = set(summary.untagged_conversations)
    for cid in _sample(rng, sorted(set(ws.conversations) - untagged), 2):
        record = ws.conversations[cid]
        free = sorted(set(ws.tags) - set(record.tag_ids))
        if not free:
            continue
        admin_id = rng.choice(sorted(ws.admins))
        record.tags.append(AppliedTag(rng.choice(free), summary.timestamp, admin_id))
        record.updated_at = summary.timestamp
        summary.tagged_conversations.append(cid)


def _delete_conversation(ws: Workspace, rng: random.Random, summary: MutationSummary) -> None:
    untouched = sorted(
        set(ws.conversations)
        - set(summary.updated_conversations)
        - set(summary.tagged_conversations)
        - set(summary.untagged_conversations)
    )
    for cid in _sample(rng, untouched, 1):
        del ws.conversations[cid]
        ws.deleted_conversations[cid] = DeletedConversation(summary.timestamp, rng.random() < 0.5)
        summary.deleted_conversations.append(cid)


def _new_conversations(ws: Workspace, rng: random.Random, summary: MutationSummary) -> None:
    contacts = list(ws.contacts.values())
    if not contacts:
        return
    for _ in range(rng.randint(1, 2)):
        ws.conversations_created += 1
        number = ws.conversations_created
        record = new_record(rng, number, 1, contacts, sorted(ws.admins), sorted(ws.teams))
        at = summary.timestamp
        record.created_at = record.updated_at = record.generated_until = at
        record.state = "open"
        record.waiting_since = at
        record.snoozed_until = None
        ws.conversations[record.id] = record
        summary.new_conversations.append(record.id)


def _update_contacts(ws: Workspace, rng: random.Random, summary: MutationSummary) -> None:
    ids = sorted(ws.contacts)
    if not ids:
        return
    previous_latest = max(c["updated_at"] for c in ws.contacts.values())
    for contact_id in _sample(rng, ids, max(2, len(ids) // 10)):
        contact = ws.contacts[contact_id]
        contact["custom_attributes"]["seats"] = rng.randint(1, 200)
        contact["last_seen_at"] = summary.timestamp
        contact["updated_at"] = summary.timestamp
        summary.updated_contacts.append(contact_id)
    # Contact search matches timestamps by calendar day in the workspace timezone (spec
    # L8743-8761), so `updated_at > X` misses a contact updated later on X's day. From the second
    # mutation of a day on, the previous latest update is today and these updates are such.
    if day_start(previous_latest, ws.zone) == day_start(summary.timestamp, ws.zone):
        summary.same_day_contact = summary.updated_contacts[0]


def _update_companies(ws: Workspace, rng: random.Random, summary: MutationSummary) -> None:
    for company_id in _sample(rng, sorted(ws.companies), 2):
        company = ws.companies[company_id]
        company["monthly_spend"] = rng.randint(0, 5_000)
        company["custom_attributes"]["health_score"] = round(rng.uniform(0, 100), 2)
        company["updated_at"] = summary.timestamp
        summary.updated_companies.append(company_id)


def _update_ticket(ws: Workspace, rng: random.Random, summary: MutationSummary) -> None:
    """Resolve an open ticket or reopen a resolved one, with the state-change part."""
    for ticket_id in _sample(rng, sorted(ws.tickets), 1):
        ticket = ws.tickets[ticket_id]
        previous = ticket["ticket_state"]
        state = ticket_state(STATE_RESOLVED if ticket["open"] else STATE_IN_PROGRESS)
        admin_id = rng.choice(sorted(ws.admins))
        ws.extra_parts_created += 1
        part = ticket_part(
            str(EXTRA_PART_ID_BASE + ws.extra_parts_created),
            "ticket_state_updated_by_admin",
            summary.timestamp,
            (previous["category"], state["category"]),
            ws.admins[admin_id],
        )
        parts = ticket["ticket_parts"]
        parts["ticket_parts"].append(part)
        parts["total_count"] = len(parts["ticket_parts"])
        ticket |= {
            "ticket_state": state,
            "previous_ticket_state_id": previous["id"],
            "open": state["category"] != "resolved",
            "updated_at": summary.timestamp,
        }
        summary.updated_tickets.append(ticket_id)
