"""Small Intercom-shaped Singer messages (the tap's streams, keys and replication keys)."""

from __future__ import annotations

from typing import Any

from target.support import record, schema_message

CONVERSATIONS = schema_message(
    "conversations",
    {
        "conversation_id": {"type": "string"},
        "updated_at": {"type": ["null", "string"], "format": "date-time"},
        "created_at": {"type": ["null", "string"], "format": "date-time"},
        "title": {"type": ["null", "string"]},
        "tags": {"type": ["null", "array"], "items": {"type": "string"}},
    },
    keys=["conversation_id"],
    replication_key="updated_at",
)
PARTS = schema_message(
    "conversation_parts",
    {
        "message_id": {"type": "string"},
        "conversation_id": {"type": "string"},
        "body": {"type": ["null", "string"]},
        "created_at": {"type": ["null", "string"], "format": "date-time"},
    },
    keys=["message_id"],
)
TAGS = schema_message(
    "conversation_tags",
    {
        "conversation_id": {"type": "string"},
        "tag_id": {"type": "string"},
        "name": {"type": ["null", "string"]},
    },
    keys=["conversation_id", "tag_id"],
)
DELETED = schema_message(
    "deleted_conversations",
    {
        "conversation_id": {"type": "string"},
        "deleted_at": {"type": "string", "format": "date-time"},
    },
    keys=["conversation_id"],
    replication_key="deleted_at",
)
CONTACTS = schema_message(
    "contacts",
    {"contact_id": {"type": "string"}, "email": {"type": ["null", "string"]}},
    keys=["contact_id"],
)


def hour(n: int) -> str:
    return f"2024-01-01T{n:02d}:00:00+00:00"


def conversation(cid: str, updated: int, tags: list[str] | None = None, **extra: Any) -> dict:
    return record(
        "conversations",
        conversation_id=cid,
        updated_at=hour(updated),
        created_at=hour(0),
        title=f"{cid} v{updated}",
        tags=tags or [],
        **extra,
    )


def tag(cid: str, tag_id: str) -> dict:
    return record("conversation_tags", conversation_id=cid, tag_id=tag_id, name=tag_id.upper())


def part(mid: str, cid: str, body: str = "hello") -> dict:
    return record(
        "conversation_parts", message_id=mid, conversation_id=cid, body=body, created_at=hour(1)
    )


def sync_state(kind: str, complete: bool, **bookmarks: Any) -> dict:
    return {
        "type": "STATE",
        "value": {
            "bookmarks": bookmarks,
            "sync": {"run_id": "r1", "type": kind, "started_at": hour(0), "complete": complete},
        },
    }
