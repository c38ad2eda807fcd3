"""What a notification means for the tables.

Envelope: `{type: "notification_event", id: "notif_…", topic, created_at, delivery_attempts,
first_sent_at, data: {type: "notification_event_data", item: {...}}}`
(developers.intercom.com/docs/references/webhooks/webhook-models). "The `*.deleted` webhook topics
send a minimal identification payload containing only identifying fields" (same page);
`contact.merged`'s item is the contact merged into, with `merged_from` naming the lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# topic → the stream whose rows it marks deleted (target's stream names).
DELETIONS = {
    "conversation.deleted": "conversations",
    "contact.deleted": "contacts",
    "contact.archived": "contacts",
    "company.deleted": "companies",
}
MERGED = "contact.merged"
# Change topics by prefix: the object is fetched again whole (never the webhook's partial copy).
FETCHED_KINDS = ("conversation", "contact", "company", "ticket")


class BadEventError(ValueError):
    """Not an Intercom notification: answered 400, not stored."""


@dataclass(frozen=True)
class Event:
    event_id: str
    topic: str
    created_at: int | None
    object_type: str | None
    object_id: str | None

    @property
    def is_ping(self) -> bool:
        return self.topic == "ping"


def parse(body: dict[str, Any]) -> Event:
    if not isinstance(body, dict) or not body.get("id") or not body.get("topic"):
        msg = "not an Intercom notification (no id or topic)"
        raise BadEventError(msg)
    item = (body.get("data") or {}).get("item") or {}
    if not isinstance(item, dict):
        item = {}
    object_id = item.get("id") or item.get("conversation_id")
    if body["topic"] == MERGED:
        object_id = (item.get("merged_from") or {}).get("id") or object_id
    created = body.get("created_at")
    return Event(
        event_id=str(body["id"]),
        topic=str(body["topic"]),
        created_at=int(created) if isinstance(created, (int, float)) else None,
        object_type=item.get("type"),
        object_id=None if object_id is None else str(object_id),
    )


def merged_into(body: dict[str, Any]) -> str | None:
    item = (body.get("data") or {}).get("item") or {}
    return str(item["id"]) if body.get("topic") == MERGED and item.get("id") else None


def fetch_kind(topic: str) -> str | None:
    """The object kind a change topic asks to fetch again (None: nothing to fetch)."""
    if topic in DELETIONS or topic == "ping":
        return None
    head = topic.split(".", 1)[0]
    if head == "conversation_part":
        return "conversation"
    return head if head in FETCHED_KINDS else None
