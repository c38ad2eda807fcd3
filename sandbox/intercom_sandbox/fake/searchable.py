"""Which fields each search endpoint accepts, their types, and how to read them from an object.

Field lists: spec 2.16 searchContacts (L8760ff), searchConversations (L11640ff), searchTickets
(L21130ff). Values are read from the object as the requested API version shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .render import counted_parts, render_conversation
from .versions import adapt, before_2_16, legacy_priority
from .workspace import Workspace

Getter = Callable[[Any], Any]

CONVERSATION_FIELDS = frozenset({
    "id", "created_at", "updated_at", "source.type", "source.id", "source.delivered_as",
    "source.subject", "source.body", "source.author.id", "source.author.type",
    "source.author.name", "source.author.email", "source.url", "contact_ids", "teammate_ids",
    "admin_assignee_id", "team_assignee_id", "channel_initiated", "open", "read", "state",
    "waiting_since", "snoozed_until", "tag_ids", "priority", "statistics.time_to_assignment",
    "statistics.time_to_admin_reply", "statistics.time_to_first_close",
    "statistics.time_to_last_close", "statistics.median_time_to_reply",
    "statistics.first_contact_reply_at", "statistics.first_assignment_at",
    "statistics.first_admin_reply_at", "statistics.first_close_at",
    "statistics.last_assignment_at", "statistics.last_assignment_admin_reply_at",
    "statistics.last_contact_reply_at", "statistics.last_admin_reply_at",
    "statistics.last_close_at", "statistics.last_closed_by_id", "statistics.count_reopens",
    "statistics.count_assignments", "statistics.count_conversation_parts",
    "conversation_rating.requested_at", "conversation_rating.replied_at",
    "conversation_rating.score", "conversation_rating.remark", "conversation_rating.contact_id",
    "conversation_rating.admin_d", "ai_agent_participated", "ai_agent.resolution_state",
    "ai_agent.last_answer_type", "ai_agent.rating", "ai_agent.rating_remark",
    "ai_agent.source_type", "ai_agent.source_title"
})  # fmt: skip
CONTACT_FIELDS = frozenset({
    "id", "role", "name", "avatar", "owner_id", "email", "email_domain", "phone",
    "formatted_phone", "external_id", "created_at", "signed_up_at", "updated_at", "last_seen_at",
    "last_contacted_at", "last_replied_at", "last_email_opened_at", "last_email_clicked_at",
    "language_override", "browser", "browser_language", "os", "location.country",
    "location.region", "location.city", "unsubscribed_from_emails", "marked_email_as_spam",
    "has_hard_bounced", "ios_last_seen_at", "ios_app_version", "ios_device", "ios_app_device",
    "ios_os_version", "ios_app_name", "ios_sdk_version", "android_last_seen_at",
    "android_app_version", "android_device", "android_app_name", "android_sdk_version",
    "segment_id", "tag_id"
})  # fmt: skip
TICKET_FIELDS = frozenset({
    "id", "created_at", "updated_at", "title", "description", "category", "ticket_type_id",
    "contact_ids", "teammate_ids", "admin_assignee_id", "team_assignee_id", "open", "state",
    "snoozed_until"
})  # fmt: skip
INTEGER_FIELDS = {
    "admin_assignee_id", "team_assignee_id", "conversation_rating.score", "ai_agent.rating",
    "statistics.time_to_assignment", "statistics.time_to_admin_reply",
    "statistics.time_to_first_close", "statistics.time_to_last_close",
    "statistics.median_time_to_reply", "statistics.count_reopens", "statistics.count_assignments",
    "statistics.count_conversation_parts",
}  # fmt: skip
BOOLEAN_FIELDS = {
    "open", "read", "ai_agent_participated", "unsubscribed_from_emails", "marked_email_as_spam",
    "has_hard_bounced",
}  # fmt: skip
MANY_FIELDS = {"contact_ids", "teammate_ids", "tag_ids", "tag_id", "segment_id"}
DATE_NAMES = {"waiting_since", "snoozed_until"}
# Ticket category search terms differ from the category names (spec L21144).
TICKET_CATEGORY_TERMS = {"Customer": "request", "Back-office": "task", "Tracker": "tracker"}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # string | integer | float | boolean | date
    get: Getter
    many: bool = False


def field_kind(name: str, custom_types: dict[str, str]) -> str:
    if name.startswith("custom_attributes."):
        return custom_types.get(name.removeprefix("custom_attributes."), "string")
    if name in INTEGER_FIELDS:
        return "integer"
    if name in BOOLEAN_FIELDS:
        return "boolean"
    if name.endswith("_at") or name in DATE_NAMES:
        return "date"
    return "string"


def dotted(obj: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def resolve_field(ws: Workspace, model: str, name: str, version: str) -> Field | None:
    known = {
        "conversation": CONVERSATION_FIELDS,
        "contact": CONTACT_FIELDS,
        "ticket": TICKET_FIELDS,
    }
    custom_types = _custom_types(ws, model)
    if name not in known[model] and not (
        name.startswith("custom_attributes.") and model != "ticket"
    ):
        return None
    getter = {"conversation": _conversation_getter, "contact": _contact_getter}.get(
        model, _ticket_getter
    )(ws, name, version)
    return Field(name, field_kind(name, custom_types), getter, many=name in MANY_FIELDS)


def _custom_types(ws: Workspace, model: str) -> dict[str, str]:
    return {a["name"]: a["data_type"] for a in ws.data_attributes if a["model"] == model}


def _conversation_getter(ws: Workspace, name: str, version: str) -> Getter:
    direct: dict[str, Getter] = {
        "id": lambda r: r.id,
        "created_at": lambda r: r.created_at,
        "updated_at": lambda r: r.updated_at,
        "open": lambda r: r.state != "closed",
        "read": lambda r: r.read,
        "state": lambda r: r.state,
        "waiting_since": lambda r: r.waiting_since,
        "snoozed_until": lambda r: r.snoozed_until,
        "contact_ids": lambda r: r.contact_ids,
        "teammate_ids": lambda r: r.teammate_ids,
        "tag_ids": lambda r: r.tag_ids,
        "source.type": lambda r: r.source_type,
        "source.author.type": lambda r: r.source_author[0],
        "source.author.id": lambda r: r.source_author[1],
        "statistics.count_conversation_parts": counted_parts,
        "ai_agent_participated": lambda r: r.ai_agent_participated,
        "priority": lambda r: legacy_priority(r.priority) if before_2_16(version) else r.priority,
        "admin_assignee_id": lambda r: _assignee(r.admin_assignee_id, version),
        "team_assignee_id": lambda r: _assignee(r.team_assignee_id, version),
    }
    if name in direct:
        return direct[name]
    return lambda r: dotted(adapt("conversation", render_conversation(ws, r), version), name)


def _contact_getter(ws: Workspace, name: str, version: str) -> Getter:
    if name == "tag_id":
        # Search matches every tag, not only the 10 a contact embeds.
        return lambda c: list(ws.contact_links[c["id"]].tag_ids)
    if name == "segment_id":
        return lambda c: []  # the fake computes no segment membership
    if name == "owner_id":
        return lambda c: adapt("contact", c, version)["owner_id"]
    return lambda c: dotted(c, name)


def _ticket_getter(ws: Workspace, name: str, version: str) -> Getter:
    special: dict[str, Getter] = {
        "title": lambda t: t["ticket_attributes"].get("_default_title_"),
        "description": lambda t: t["ticket_attributes"].get("_default_description_"),
        "category": lambda t: TICKET_CATEGORY_TERMS[t["category"]],
        "ticket_type_id": lambda t: t["ticket_type"]["id"],
        "contact_ids": lambda t: [c["id"] for c in t["contacts"]["contacts"]],
        "teammate_ids": lambda t: [],
        "state": lambda t: t["ticket_state"]["category"],
        "admin_assignee_id": lambda t: adapt("ticket", t, version)["admin_assignee_id"],
    }
    return special.get(name, lambda t: dotted(t, name))


def _assignee(assignee_id: int, version: str) -> int | None:
    return (assignee_id or None) if before_2_16(version) else assignee_id
