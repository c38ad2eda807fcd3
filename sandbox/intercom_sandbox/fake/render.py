"""Conversation records rendered to Intercom's 2.16 conversation shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .content import attachments, html_body, sentence
from .parts import all_parts, latest_parts
from .records import ConversationRecord
from .seeding import rng_for

if TYPE_CHECKING:
    from .workspace import Workspace

# "The maximum number of conversation parts that can be returned via the API is 500. If you have
# more than that we will return the 500 most recent conversation parts." (spec L10994-10996)
PART_LIMIT = 500


def render_conversation(
    ws: Workspace, record: ConversationRecord, *, parts: str = "none"
) -> dict[str, Any]:
    """parts: "none" (list/search items), "latest" (GET by id, at most 500) or "all" (truth)."""
    conversation: dict[str, Any] = {
        "type": "conversation",
        "id": record.id,
        "title": record.title,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "waiting_since": record.waiting_since,
        "snoozed_until": record.snoozed_until,
        "open": record.state != "closed",
        "state": record.state,
        "read": record.read,
        "priority": record.priority,
        "admin_assignee_id": record.admin_assignee_id,
        "team_assignee_id": record.team_assignee_id,
        "company": ws.company_summary(record.company_id),
        "tags": {"type": "tag.list", "tags": [ws.applied_tag(tag) for tag in record.tags]},
        "conversation_rating": _rating(ws, record),
        "source": render_source(ws, record),
        "contacts": {
            "type": "contact.list",
            "contacts": [ws.contact_reference(contact_id) for contact_id in record.contact_ids],
        },
        # The real API names the list `admins`; the description said `teammates` until
        # intercom/Intercom-OpenAPI#220 ("teammates.teammates to teammates.admins", 2025).
        "teammates": {
            "type": "admin.list",
            "admins": [{"type": "admin", "id": admin_id} for admin_id in record.teammate_ids],
        },
        "custom_attributes": _custom_attributes(ws, record),
        "first_contact_reply": _first_contact_reply(record),
        "sla_applied": None,
        "statistics": _statistics(record),
        "linked_objects": {"type": "list", "total_count": 0, "has_more": False, "data": []},
        "ai_agent_participated": record.ai_agent_participated,
        "ai_agent": _ai_agent(record),
        "sales_agent_participated": False,
        "sales_agent": None,  # null without Sales Agent involvement, as in the spec's examples
        "channel": {"initial": _channel(record), "current": _channel(record)},
        "external_references": [],
    }
    if parts != "none":
        shown = all_parts(ws, record) if parts == "all" else latest_parts(ws, record, PART_LIMIT)
        conversation["conversation_parts"] = {
            "type": "conversation_part.list",
            "conversation_parts": shown,
            # The spec leaves total_count undescribed; it carries the true number of parts
            # (without the source message, unlike statistics.count_conversation_parts), so a
            # client can tell the list was cut at 500.
            "total_count": record.part_count,
        }
    return conversation


def render_source(ws: Workspace, record: ConversationRecord) -> dict[str, Any]:
    rng = rng_for(ws.spec.seed, "source", record.id)
    author_type, author_id = record.source_author
    is_admin = author_type == "admin"
    author = ws.admin_author(author_id) if is_admin else ws.contact_author(author_id)
    source = {
        "type": record.source_type,
        "id": str(400_000_000 + record.number),
        "delivered_as": "admin_initiated" if is_admin else "customer_initiated",
        "subject": sentence(rng, 4) if record.source_type == "email" else "",
        "body": html_body(rng),
        "author": {k: author[k] for k in ("type", "id", "name", "email")},
        "attachments": attachments(rng, record.number),
        "url": None if record.source_type != "conversation" else "https://app.example.com/help",
        "redacted": False,
        "recipients": None,
        "reply_to": None,
    }
    if record.source_type == "email":
        header = {"type": "from", "email_address": author["email"], "name": author["name"]}
        source["email_message_metadata"] = {
            "message_id": f"<{record.id}@mail.example.com>",
            "subject": source["subject"],
            "email_address_headers": [header],
        }
    return source


def _rating(ws: Workspace, record: ConversationRecord) -> dict[str, Any] | None:
    if record.rating is None or not record.contact_ids:
        return None
    at = record.generated_until
    teammate = record.teammate_ids[0] if record.teammate_ids else None
    return {
        "rating": record.rating,
        "remark": "Très bien 👍" if record.rating >= 4 else "Too slow",
        "created_at": at,
        "updated_at": at,
        "contact": ws.contact_reference(record.contact_ids[0]),
        "teammate": {"type": "admin", "id": teammate},
    }


def _custom_attributes(ws: Workspace, record: ConversationRecord) -> dict[str, Any]:
    rng = rng_for(ws.spec.seed, "conversation-attributes", record.id)
    if rng.random() < 0.4:
        return {}
    return {
        "Order number": f"ORD-{rng.randint(1000, 99999)}",
        "Refund amount": round(rng.uniform(0, 500), 2),
        "Escalated": rng.random() < 0.2,
        "Follow-up date": record.created_at + rng.randint(1, 20) * 86_400,
    }


def _first_contact_reply(record: ConversationRecord) -> dict[str, Any] | None:
    if record.source_author[0] == "admin":
        return None
    return {"created_at": record.created_at, "type": "conversation", "url": None}


def _statistics(record: ConversationRecord) -> dict[str, Any]:
    """Close and assignment times are null for a conversation never closed or assigned (the spec
    types them as plain integers; tests/fake/openapi.py notes the quirk)."""
    first_reply = min(record.created_at + 300, record.updated_at)
    closed = record.state == "closed"
    return {
        "type": "conversation_statistics",
        "time_to_assignment": 0,
        "time_to_admin_reply": first_reply - record.created_at,
        "time_to_first_close": record.generated_until - record.created_at if closed else None,
        "time_to_last_close": record.generated_until - record.created_at if closed else None,
        "median_time_to_reply": first_reply - record.created_at,
        "first_contact_reply_at": record.created_at,
        "first_assignment_at": record.created_at if record.admin_assignee_id else None,
        "first_admin_reply_at": first_reply,
        "first_close_at": record.generated_until if closed else None,
        "last_assignment_at": record.created_at if record.admin_assignee_id else None,
        "last_assignment_admin_reply_at": first_reply if record.admin_assignee_id else None,
        "last_contact_reply_at": record.created_at,
        "last_admin_reply_at": first_reply,
        "last_close_at": record.generated_until if closed else None,
        "last_closed_by_id": record.teammate_ids[0] if closed and record.teammate_ids else None,
        "count_reopens": 0,
        "count_assignments": 1 if record.admin_assignee_id else 0,
        "count_conversation_parts": counted_parts(record),
        "assigned_team_first_response_time": [],
        "assigned_team_first_response_time_in_office_hours": [],
        "handling_time": first_reply - record.created_at,
        "adjusted_handling_time": None,
    }


def counted_parts(record: ConversationRecord) -> int:
    """statistics.count_conversation_parts counts the source message too, so it is one more than
    the parts (Intercom support, quoted in airbytehq/airbyte#39463, 2024-09-09)."""
    return record.part_count + 1


def _ai_agent(record: ConversationRecord) -> dict[str, Any] | None:
    if not record.ai_agent_participated:
        return None
    return {
        "source_type": "workflow",
        "source_title": "Fin answers",
        "last_answer_type": "ai_answer",
        "resolution_state": "assumed_resolution",
        "rating": None,
        "rating_remark": None,
        "created_at": record.created_at,
        "updated_at": record.created_at,
        "content_sources": {"type": "content_source.list", "total_count": 0, "content_sources": []},
    }


def _channel(record: ConversationRecord) -> str:
    return {"conversation": "chat", "email": "email", "phone_call": "phone"}.get(
        record.source_type, "social"
    )
