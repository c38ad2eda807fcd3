"""A small Intercom workspace in the shapes the real service answers with.

Each quirk the tap must survive is planted on purpose and named here, so that the tests can
assert on it: conversations whose teammates sit under `admins`, part counts that include the
source message, timestamps in milliseconds, microseconds or out of range, contacts with utm_*,
referrer, subscription types, more than one page of notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DAY = 86_400
WORKSPACE_UTC_OFFSET = -5 * 3600  # a workspace in New York (winter): contact days end at 05:00 UTC

# Conversation ids with a planted quirk.
TWO_TEAMMATES = "201"  # teammates {type: admin.list, admins: [2 admins]}
NO_PARTS = "202"  # only the source message: count_conversation_parts 1, no parts
TRUNCATED = "203"  # 520 parts: the 500 most recent are returned
NO_STATISTICS = "204"  # statistics null (the spec example, L11062)
ODD_TIMESTAMPS = "205"  # snoozed_until out of range, one part's created_at in milliseconds
ONE_PART = "206"
TRUNCATED_PARTS = 520
RETURNED_PARTS_LIMIT = 500  # spec 2.16 L10994-10996

# Contact ids with a planted quirk.
MARKETING = "c-utm"  # utm_*, referrer, sms_consent, subscription types
MANY_NOTES = "c-notes"  # 60 notes: 10 embedded, has_more
MS_SIGNUP = ("c-ms-1", "c-ms-2")  # signed_up_at in milliseconds
US_SEEN = "c-us"  # last_seen_at in microseconds
OUT_OF_RANGE = "c-bad"  # last_email_opened_at -1, last_contacted_at beyond year 2200
NOTES_COUNT = 60
EMBEDDED_LIMIT = 10  # "Up to 10" of a contact's tags, notes, companies (spec L25488/L25593)


@dataclass
class Workspace:
    anchor: int  # Unix seconds; every timestamp lies before it
    admins: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    segments: list[dict[str, Any]] = field(default_factory=list)
    data_attributes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    companies: list[dict[str, Any]] = field(default_factory=list)
    tickets: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: list[dict[str, Any]] = field(default_factory=list)

    def record_counts(self) -> dict[str, int]:
        """How many records each stream of a full run must emit."""
        held = [len(c["_all_parts"]) for c in self.conversations.values()]
        returned = [min(count, RETURNED_PARTS_LIMIT) for count in held]
        return {
            "admins": len(self.admins),
            "teams": len(self.teams),
            "tags": len(self.tags),
            "segments": len(self.segments),
            "data_attributes": sum(len(group) for group in self.data_attributes.values()),
            "conversations": len(self.conversations),
            "conversation_parts": sum(returned),
            "contacts": len(self.contacts),
            "companies": len(self.companies),
            "tickets": len(self.tickets),
            "deleted_conversations": len(self.deleted),
        }

    def part_count(self, conversation_id: str) -> int:
        """What Intercom holds, not what it returns."""
        return len(self.conversations[conversation_id]["_all_parts"])


def build(
    anchor: int, deleted_conversations: int = 130, companies: int = 2, company_bytes: int = 0
) -> Workspace:
    """`company_bytes`: each company carries a custom attribute that long (large records fill
    the pipe to a slow reader)."""
    ws = Workspace(anchor)
    ws.admins = [_admin(str(n), anchor) for n in (1, 2, 3)]
    ws.teams = [
        {
            "type": "team",
            "id": "900",
            "name": "Support",
            "admin_ids": [1, 2],
            "admin_priority_level": None,
        }
    ]
    ws.tags = [{"type": "tag", "id": str(n), "name": f"tag {n}"} for n in (11, 12)]
    ws.segments = [
        {
            "type": "segment",
            "id": "seg-1",
            "name": "Active",
            "created_at": anchor - 90 * DAY,
            "updated_at": anchor - 80 * DAY,
            "person_type": "user",
            "count": 3,
        }
    ]
    ws.data_attributes = {
        "contact": [_attribute("contact", "name", 1), _attribute("contact", "plan", 2)],
        "company": [_attribute("company", "size", 3)],
    }
    _add_conversations(ws)
    _add_contacts(ws)
    ws.companies = [_company(n, anchor, company_bytes) for n in range(1, companies + 1)]
    ws.tickets = {tid: _ticket(tid, anchor - n * 3600) for n, tid in enumerate(("701", "702"), 3)}
    # Newest first by deleted_at, as the spec's example answer to order=desc (L13566-13580).
    ws.deleted = [
        {
            "type": "conversation",
            "id": str(5000 + n),
            "metrics_retained": n % 2 == 0,
            "deleted_at": anchor - 3 * DAY - n * 600,
        }
        for n in range(deleted_conversations)
    ]
    return ws


def _admin(admin_id: str, anchor: int) -> dict[str, Any]:
    return {
        "type": "admin",
        "id": admin_id,
        "name": f"Admin {admin_id}",
        "email": f"admin{admin_id}@example.com",
        "job_title": None,
        "away_mode_enabled": False,
        "away_mode_reassign": False,
        "away_status_reason_id": None,
        "has_inbox_seat": True,
        "team_ids": [900],
        "team_priority_level": {},
        "avatar": f"https://static.example.com/avatars/{admin_id}.png",
    }


def _attribute(model: str, name: str, number: int) -> dict[str, Any]:
    return {
        "type": "data_attribute",
        "id": number,
        "model": model,
        "name": name,
        "full_name": name,
        "label": name.title(),
        "description": "",
        "data_type": "string",
        "api_writable": True,
        "ui_writable": True,
        "messenger_writable": False,
        "custom": name != "name",
        "archived": False,
        "created_at": 1_700_000_000 + number,
        "updated_at": 1_700_000_000 + number,
        "admin_id": "1",
    }


def _add_conversations(ws: Workspace) -> None:
    plan: list[tuple[str, int, Any]] = [
        (TWO_TEAMMATES, 3, _teammates(["1", "2"])),
        (NO_PARTS, 0, _teammates([])),
        (TRUNCATED, TRUNCATED_PARTS, _teammates(["3"])),
        (NO_STATISTICS, 2, None),
        (ODD_TIMESTAMPS, 2, _teammates(["1"])),
        (ONE_PART, 1, _teammates(["2"])),
    ]
    for hours, (conversation_id, parts, teammates) in enumerate(plan, start=2):
        updated = ws.anchor - hours * 3600
        conversation = _conversation(conversation_id, updated, parts, teammates)
        ws.conversations[conversation_id] = conversation
    ws.conversations[NO_STATISTICS]["statistics"] = None
    odd = ws.conversations[ODD_TIMESTAMPS]
    odd["snoozed_until"] = 253_402_300_799_000_000  # year 9999 in microseconds: beyond 2200
    odd["_all_parts"][0]["created_at"] = odd["_all_parts"][0]["created_at"] * 1000


def _teammates(admin_ids: list[str]) -> dict[str, Any]:
    # The real key is `admins` (intercom/Intercom-OpenAPI#220, "teammates.teammates to
    # teammates.admins", which "fixes unexpected API interface").
    return {"type": "admin.list", "admins": [{"type": "admin", "id": a} for a in admin_ids]}


def _conversation(conversation_id: str, updated: int, parts: int, teammates: Any) -> dict[str, Any]:
    created = updated - DAY
    all_parts = [_part(conversation_id, n, created + 60 * (n + 1)) for n in range(parts)]
    return {
        "type": "conversation",
        "id": conversation_id,
        "title": None,
        "created_at": created,
        "updated_at": updated,
        "waiting_since": None,
        "snoozed_until": None,
        "open": True,
        "state": "open",
        "read": True,
        "priority": "not_priority",
        "admin_assignee_id": None,
        "team_assignee_id": None,
        "tags": {"type": "tag.list", "tags": []},
        "conversation_rating": None,
        "source": {
            "type": "conversation",
            "id": f"src-{conversation_id}",
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": "<p>Hello</p>",
            "author": {"type": "user", "id": "c-plain-0", "name": "Someone", "email": None},
            "attachments": [],
            "url": None,
            "redacted": False,
        },
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "c-plain-0"}]},
        "teammates": teammates,
        "custom_attributes": {},
        "first_contact_reply": None,
        "sla_applied": None,
        # Counts the source message too: parts + 1 (Intercom support's answer quoted in
        # airbytehq/airbyte#39463, 2024-09-09).
        "statistics": {"type": "conversation_statistics", "count_conversation_parts": parts + 1},
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
        "ai_agent_participated": False,
        "_all_parts": all_parts,
    }


def _part(conversation_id: str, number: int, created: int) -> dict[str, Any]:
    return {
        "type": "conversation_part",
        "id": f"{conversation_id}{number:04d}",
        "part_type": "comment",
        "body": f"<p>part {number}</p>",
        "created_at": created,
        "updated_at": created,
        "notified_at": created,
        "assigned_to": None,
        "author": {"type": "admin", "id": "1", "name": "Admin 1", "email": "admin1@example.com"},
        "attachments": [],
        "external_id": None,
        "redacted": False,
    }


def _add_contacts(ws: Workspace) -> None:
    ids = [MARKETING, MANY_NOTES, *MS_SIGNUP, US_SEEN, OUT_OF_RANGE, "c-plain-0", "c-plain-1"]
    for n, contact_id in enumerate(ids):
        # Spread over several days, so that the day-granular search matters.
        ws.contacts[contact_id] = _contact(contact_id, ws.anchor - (n + 1) * 9 * 3600)
        ws.notes[contact_id] = []
    marketing = ws.contacts[MARKETING]
    marketing.update(
        utm_campaign="spring",
        utm_content="banner",
        utm_medium="email",
        utm_source="newsletter",
        utm_term="support tool",
        referrer="https://example.org/pricing",
        # Sent by the service, described in none of 2.14-2.16: the tap must not drop it silently.
        sms_consent={"type": "sms_consent", "consented": True},
    )
    subscription = {"type": "subscription", "id": "sub-1"}
    marketing["opted_in_subscription_types"]["data"] = [subscription]
    marketing["opted_in_subscription_types"]["total_count"] = 1
    ws.notes[MANY_NOTES] = [
        _note(MANY_NOTES, n, ws.anchor - 20 * DAY + n) for n in range(NOTES_COUNT)
    ]
    for contact_id in MS_SIGNUP:
        # singer-io/tap-intercom PR #10: "{'signed_up_at': 1467133937045, 'created_at': ...}".
        ws.contacts[contact_id]["signed_up_at"] = (ws.anchor - 400 * DAY) * 1000
    ws.contacts[US_SEEN]["last_seen_at"] = (ws.anchor - 2 * DAY) * 1_000_000
    ws.contacts[OUT_OF_RANGE]["last_email_opened_at"] = -1
    ws.contacts[OUT_OF_RANGE]["last_contacted_at"] = 99_999_999_999  # year 5138 in seconds
    for contact_id, notes in ws.notes.items():
        embed_notes(ws.contacts[contact_id], notes)


def embed_notes(contact: dict[str, Any], notes: list[dict[str, Any]]) -> None:
    shown = [{"type": "note", "id": n["id"], "url": f"/notes/{n['id']}"} for n in notes]
    contact["notes"] = {
        "type": "list",
        "data": shown[:EMBEDDED_LIMIT],
        "url": f"/contacts/{contact['id']}/notes",
        "total_count": len(notes),
        "has_more": len(notes) > EMBEDDED_LIMIT,
    }


def _list(contact_id: str, what: str) -> dict[str, Any]:
    url = f"/contacts/{contact_id}/{what}"
    return {"type": "list", "data": [], "url": url, "total_count": 0, "has_more": False}


def _contact(contact_id: str, updated: int) -> dict[str, Any]:
    # The fields of the spec 2.16 example contact (L8060-8150), values ours.
    empty: dict[str, Any] = dict.fromkeys(
        [
            "phone", "formatted_phone", "avatar", "owner_id", "last_seen_at", "last_replied_at",
            "last_contacted_at", "last_email_opened_at", "last_email_clicked_at",
            "language_override", "browser", "browser_version", "browser_language", "os",
            "android_app_name", "android_app_version", "android_device", "android_os_version",
            "android_sdk_version", "android_last_seen_at", "ios_app_name", "ios_app_version",
            "ios_device", "ios_os_version", "ios_sdk_version", "ios_last_seen_at", "utm_campaign",
            "utm_content", "utm_medium", "utm_source", "utm_term", "referrer",
            "enabled_push_messaging", "email_domain",
        ]
    )  # fmt: skip
    return {
        **empty,
        "type": "contact",
        "id": contact_id,
        "workspace_id": "ws1",
        "external_id": f"ext-{contact_id}",
        "role": "user",
        "email": f"{contact_id}@example.com",
        "name": f"Contact {contact_id}",
        "social_profiles": {"type": "list", "data": []},
        "has_hard_bounced": False,
        "marked_email_as_spam": False,
        "unsubscribed_from_emails": False,
        "created_at": updated - 30 * DAY,
        "updated_at": updated,
        "signed_up_at": updated - 30 * DAY,
        "location": {"type": "location", "country": None, "region": None, "city": None},
        "custom_attributes": {},
        "tags": _list(contact_id, "tags"),
        "notes": _list(contact_id, "notes"),
        "companies": _list(contact_id, "companies"),
        "opted_out_subscription_types": _list(contact_id, "subscriptions"),
        "opted_in_subscription_types": _list(contact_id, "subscriptions"),
    }


def _note(contact_id: str, number: int, created: int) -> dict[str, Any]:
    return {
        "type": "note",
        "id": f"n-{number}",
        "created_at": created,
        "contact": {"type": "contact", "id": contact_id},
        "author": {"type": "admin", "id": "1", "name": "Admin 1"},
        "body": f"<p>note {number}</p>",
    }


def _company(number: int, anchor: int, padding: int) -> dict[str, Any]:
    return {
        "type": "company",
        "id": f"co-{number}",
        "company_id": f"remote-{number}",
        "app_id": "ws1",
        "name": f"Company {number}",
        "remote_created_at": anchor - 200 * DAY,
        "created_at": anchor - 200 * DAY,
        "updated_at": anchor - (10 + number) * DAY,
        "monthly_spend": 0,
        "session_count": 0,
        "user_count": 1,
        "tags": {"type": "tag.list", "tags": []},
        "segments": {"type": "segment.list", "segments": []},
        "plan": {},
        "custom_attributes": {"account_notes": "n" * padding} if padding else {},
    }


def _ticket(ticket_id: str, updated: int) -> dict[str, Any]:
    return {
        "type": "ticket",
        "id": ticket_id,
        "ticket_id": str(int(ticket_id) - 600),
        "category": "Customer",
        "ticket_attributes": {"_default_title_": "Broken"},
        "ticket_state": {"type": "ticket_state", "id": "1", "category": "submitted"},
        "ticket_type": {"type": "ticket_type", "id": "5", "name": "Bug"},
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "c-plain-0"}]},
        "admin_assignee_id": "0",
        "team_assignee_id": "0",
        "created_at": updated - DAY,
        "updated_at": updated,
        "open": True,
        "snoozed_until": None,
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
        "ticket_parts": {"type": "ticket_part.list", "ticket_parts": [], "total_count": 0},
        "is_shared": False,
    }
