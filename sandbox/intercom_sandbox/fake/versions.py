"""Intercom-Version handling: objects are stored in the 2.16 shape and adapted for 2.14/2.15.

Differences from the three published specs (docs/intercom-api.md#api-versions): conversation
`priority` enum and unassigned assignee ids (null before 2.16, 0 in 2.16), contact `owner_id`
(integer before 2.16, string in 2.16), ticket assignee ids (strings before 2.16, integers in 2.16),
fields added in 2.15 (conversation `company`) and 2.16 (conversation
sales_agent*/channel/external_references, admin `role`, company `notes`, ticket
`previous_ticket_state_id`).
"""

from __future__ import annotations

from typing import Any

SUPPORTED_VERSIONS = ("2.14", "2.15", "2.16")
LATEST = "2.16"
ADDED_IN_2_16 = {
    "conversation": ("sales_agent_participated", "sales_agent", "channel", "external_references"),
    "admin": ("role",),
    "company": ("notes",),
    "ticket": ("previous_ticket_state_id",),
    "contact": ("merge_history",),
}


def before_2_16(version: str) -> bool:
    return version != LATEST


def legacy_priority(level: str) -> str:
    return "not_priority" if level == "none" else "priority"


def adapt(kind: str, obj: dict[str, Any], version: str) -> dict[str, Any]:
    """The object as the given version shows it (a shallow copy; the input is left alone)."""
    if not before_2_16(version):
        return obj
    adapted = {k: v for k, v in obj.items() if k not in ADDED_IN_2_16.get(kind, ())}
    if kind == "conversation":
        adapted["priority"] = legacy_priority(obj["priority"])
        adapted["admin_assignee_id"] = obj["admin_assignee_id"] or None
        adapted["team_assignee_id"] = obj["team_assignee_id"] or None
        if version == "2.14":
            adapted.pop("company", None)
    elif kind == "contact":
        owner = obj["owner_id"]
        adapted["owner_id"] = int(owner) if owner is not None else None
    elif kind == "ticket":
        adapted["admin_assignee_id"] = str(obj["admin_assignee_id"])
        adapted["team_assignee_id"] = str(obj["team_assignee_id"])
    return adapted
