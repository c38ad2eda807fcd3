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
    """The object kind a change topic asks to fetch again (None: nothing to fetch).

    By the topic's first word, as the 2.16 topic list groups them
    (developers.intercom.com/docs/references/2.16/webhooks/webhook-models): `conversation.*`
    (`conversation.user.replied`, `conversation.admin.closed`...) and `conversation_part.*`
    (`conversation_part.tag.created`, `conversation_part.redacted`) carry a conversation;
    `contact.*` (`contact.user.updated`, `contact.lead.created`, `contact.unarchived`...),
    `company.*` (`company.created`, `company.updated`) and `ticket.*` (`ticket.created`,
    `ticket.state.updated`, `ticket.admin.replied`...) their object.
    """
    if topic in DELETIONS or topic in (MERGED, "ping"):
        return None
    head = topic.split(".", 1)[0]
    if head == "conversation_part":
        return "conversation"
    return head if head in FETCHED_KINDS else None


def fetch_target(body: dict[str, Any]) -> tuple[str, str] | None:
    """(kind, id) of the object a change notification asks to fetch, or None.

    `data.item` is the object itself for most topics; some wrap it: `ticket.closed` sends
    `{ticket: {...}}` from 2.15 on (webhook-models page, "ticket.closed"), the contact tag
    topics a `contact_tag` holding `contact` and `tag` (same page, "Contact tag").
    """
    kind = fetch_kind(str(body.get("topic") or ""))
    if kind is None:
        return None
    item = (body.get("data") or {}).get("item") or {}
    if not isinstance(item, dict):
        return None
    if item.get("type") == kind and item.get("id"):
        return kind, str(item["id"])
    nested = item.get(kind)
    if isinstance(nested, dict) and nested.get("id"):
        return kind, str(nested["id"])
    if kind == "conversation" and item.get("conversation_id"):
        return kind, str(item["conversation_id"])
    return None


def changed_at(body: dict[str, Any]) -> int | None:
    """When the notified change happened: the object's `updated_at` when the item carries it
    (Unix seconds, like every Intercom timestamp), else the notification's `created_at`."""
    item = (body.get("data") or {}).get("item") or {}
    for value in (
        item.get("updated_at") if isinstance(item, dict) else None,
        body.get("created_at"),
    ):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value)
    return None
