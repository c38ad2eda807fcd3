"""Generation of tickets (2.16 shape, ticket parts included; tickets are few, so stored whole)."""

from __future__ import annotations

import random
from typing import Any

from .clock import ANCHOR, HISTORY_SECONDS
from .config import WorkspaceSpec
from .content import html_body, sentence
from .seeding import rng_for

EARLIEST = ANCHOR - HISTORY_SECONDS
TICKET_ID_BASE = 600
STATES = (("submitted", "Submitted"), ("in_progress", "In progress"),
          ("waiting_on_customer", "Waiting on you"), ("resolved", "Resolved"))  # fmt: skip
STATE_IN_PROGRESS, STATE_RESOLVED = 1, 3
CATEGORIES = ("Customer", "Back-office", "Tracker")


def ticket_type(category: str) -> dict[str, Any]:
    number = CATEGORIES.index(category) + 1
    return {
        "type": "ticket_type",
        "id": str(number),
        "category": category,
        "name": {"Customer": "Bug report", "Back-office": "Refund", "Tracker": "Outage"}[category],
        "description": f"{category} tickets",
        "icon": "🐞",
        "workspace_id": "fk7ab1e5",
        "archived": False,
        "created_at": EARLIEST,
        "updated_at": EARLIEST,
    }


def ticket_state(index: int) -> dict[str, Any]:
    category, label = STATES[index]
    return {
        "type": "ticket_state",
        "id": str(index + 1),
        "category": category,
        "internal_label": label,
        "external_label": label,
    }


def make_tickets(
    spec: WorkspaceSpec, contacts: dict[str, dict[str, Any]], admins: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    contact_list = list(contacts.values())
    tickets = {}
    for number in range(1, spec.tickets + 1):
        rng = rng_for(spec.seed, "ticket", number)
        ticket = _ticket(rng, number, contact_list, admins)
        tickets[ticket["id"]] = ticket
    return tickets


def _ticket(
    rng: random.Random,
    number: int,
    contacts: list[dict[str, Any]],
    admins: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    admin_ids = sorted(admins)
    created = EARLIEST + rng.randrange(HISTORY_SECONDS - 20 * 86_400)
    category = rng.choice(CATEGORIES)
    state_index = rng.randrange(len(STATES))
    contact = rng.choice(contacts) if contacts else None
    assignee = rng.choice(admin_ids) if rng.random() < 0.6 else None
    parts = _ticket_parts(rng, number, created, state_index, admins)
    updated = parts[-1]["created_at"] if parts else created
    return {
        "type": "ticket",
        "id": str(TICKET_ID_BASE + number),
        "ticket_id": str(number),
        "category": category,
        "ticket_attributes": {
            "_default_title_": sentence(rng, 4),
            "_default_description_": sentence(rng, 12),
        },
        "ticket_state": ticket_state(state_index),
        "ticket_type": ticket_type(category),
        "contacts": {
            "type": "contact.list",
            "contacts": [{"type": "contact", "id": contact["id"], "external_id": None}]
            if contact
            else [],
        },
        "admin_assignee_id": int(assignee) if assignee else 0,
        "team_assignee_id": 0,
        "created_at": created,
        "updated_at": updated,
        "open": STATES[state_index][0] != "resolved",
        "snoozed_until": None,
        "linked_objects": {"type": "list", "total_count": 0, "has_more": False, "data": []},
        "ticket_parts": {
            "type": "ticket_part.list",
            "ticket_parts": parts,
            "total_count": len(parts),
        },
        "is_shared": category == "Customer",
        "previous_ticket_state_id": str(state_index) if state_index else None,
    }


def _ticket_parts(
    rng: random.Random,
    number: int,
    created: int,
    final_state: int,
    admins: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    at = created
    for index in range(rng.randint(1, 5)):
        at += rng.randint(60, 86_400)
        state = min(index, final_state)
        admin = admins[rng.choice(sorted(admins))]
        part_type = "comment" if index else "ticket_state_updated_by_admin"
        part = ticket_part(
            str(20_000_000 + number * 100 + index),
            part_type,
            at,
            (STATES[max(0, state - 1)][0], STATES[state][0]),
            admin,
        )
        if part_type == "comment":
            part["body"] = html_body(rng)
        parts.append(part)
    return parts


def ticket_part(
    part_id: str, part_type: str, at: int, states: tuple[str, str], admin: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "ticket_part",
        "id": part_id,
        "part_type": part_type,
        "body": None,
        "previous_ticket_state": states[0],
        "ticket_state": states[1],
        "created_at": at,
        "updated_at": at,
        "assigned_to": None,
        "author": {key: admin[key] for key in ("id", "name", "email")} | {"type": "admin"},
        "attachments": [],
        "external_id": None,
        "redacted": False,
    }
