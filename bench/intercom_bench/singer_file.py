"""A deterministic, Intercom-like Singer stream written to a file once, for the loading benchmark.

The records have the shape our tap emits: `conversations` with ~35 properties (flattened
`source_*`, nested `statistics`, `custom_attributes`, `contacts`, a `tags` array), ~7 parts each
with 200-2000-character HTML bodies, ~1 tag row each, and a STATE message (with the tap's `sync`
marker, docs/architecture.md) after the conversation that passes every 1,000 records.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ANCHOR = datetime(2026, 1, 1, tzinfo=timezone.utc)
TWO_YEARS_SECONDS = 2 * 365 * 24 * 3600
STATE_EVERY_RECORDS = 1000
PARTS_PER_CONVERSATION = (3, 11)
TAGS_PER_CONVERSATION = (0, 2)
BODY_CHARS = (200, 2000)

SAMPLE_TEXT = (
    "hello thanks order refund invoice shipping account password login error billing plan upgrade "
    "délai réponse Grüße straße 注文 返金 ありがとう café naïve 🙂 🚀 ✅ please could you check "
    "the status of my request it seems the integration stopped working yesterday evening"
)
WORDS = tuple(SAMPLE_TEXT.split())

STRING = {"type": ["string", "null"]}
DATETIME = {"type": ["string", "null"], "format": "date-time"}
INTEGER = {"type": ["integer", "null"]}
BOOLEAN = {"type": ["boolean", "null"]}
OBJECT = {"type": ["object", "null"], "additionalProperties": True, "properties": {}}
OBJECTS = {"type": ["array", "null"], "items": OBJECT}
STRINGS = {"type": ["array", "null"], "items": {"type": "string"}}

CONVERSATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "conversation_id": {"type": "string"},
        "type": STRING,
        "created_at": DATETIME,
        "updated_at": DATETIME,
        "waiting_since": DATETIME,
        "snoozed_until": DATETIME,
        "title": STRING,
        "state": STRING,
        "open": BOOLEAN,
        "read": BOOLEAN,
        "priority": STRING,
        "admin_assignee_id": INTEGER,
        "team_assignee_id": INTEGER,
        "source_type": STRING,
        "source_id": STRING,
        "source_delivered_as": STRING,
        "source_subject": STRING,
        "source_body": STRING,
        "source_url": STRING,
        "source_redacted": BOOLEAN,
        "source_author_type": STRING,
        "source_author_id": STRING,
        "source_author_name": STRING,
        "source_author_email": STRING,
        "source_attachments": OBJECTS,
        "contacts": OBJECT,
        "teammates": OBJECT,
        "tags": STRINGS,
        "custom_attributes": OBJECT,
        "statistics": OBJECT,
        "conversation_rating": OBJECT,
        "sla_applied": OBJECT,
        "linked_objects": OBJECT,
        "ai_agent_participated": BOOLEAN,
        "parts_total_count": INTEGER,
        "parts_truncated": BOOLEAN,
    },
}

PART_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "message_id": {"type": "string"},
        "conversation_id": {"type": "string"},
        "part_type": STRING,
        "body": STRING,
        "author_type": STRING,
        "author_id": STRING,
        "author_name": STRING,
        "author_email": STRING,
        "attachments": OBJECTS,
        "created_at": DATETIME,
        "updated_at": DATETIME,
        "notified_at": DATETIME,
        "assigned_to": OBJECT,
        "external_id": STRING,
        "redacted": BOOLEAN,
    },
}

TAG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "conversation_id": {"type": "string"},
        "tag_id": {"type": "string"},
        "name": STRING,
        "applied_at": DATETIME,
        "applied_by": OBJECT,
    },
}


@dataclass(frozen=True)
class StreamSpec:
    name: str
    key_properties: tuple[str, ...]
    schema: dict[str, Any]
    replication_key: str | None = None


STREAMS = (
    StreamSpec("conversations", ("conversation_id",), CONVERSATION_SCHEMA, "updated_at"),
    StreamSpec("conversation_parts", ("message_id",), PART_SCHEMA),
    StreamSpec("conversation_tags", ("conversation_id", "tag_id"), TAG_SCHEMA),
)


@dataclass(frozen=True)
class SingerFile:
    path: Path
    conversations: int
    records_by_stream: dict[str, int]

    @property
    def records(self) -> int:
        return sum(self.records_by_stream.values())

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


def iso(moment: datetime) -> str:
    return moment.isoformat()


class ConversationFactory:
    """Builds one conversation's records from a seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def html_body(self) -> str:
        target = self.rng.randint(*BODY_CHARS)
        paragraphs: list[str] = []
        length = 0
        while length < target:
            words = " ".join(self.rng.choices(WORDS, k=self.rng.randint(8, 30)))
            paragraph = f"<p>{words}</p>"
            if self.rng.random() < 0.3:
                paragraph = (
                    f'<p><b>Note:</b> see <a href="https://example.com/k/{length}">{words}</a></p>'
                )
            paragraphs.append(paragraph)
            length += len(paragraph)
        return "".join(paragraphs)[:target]

    def moment(self) -> datetime:
        return ANCHOR - timedelta(seconds=self.rng.randint(3600, TWO_YEARS_SECONDS))

    def conversation(self, number: int) -> dict[str, Any]:
        created = self.moment()
        updated = created + timedelta(seconds=self.rng.randint(60, 3 * 24 * 3600))
        contact_id = f"{6_000_000 + self.rng.randint(0, 50_000)}"
        return {
            "conversation_id": str(100_000_000 + number),
            "type": "conversation",
            "created_at": iso(created),
            "updated_at": iso(updated),
            "waiting_since": iso(updated) if self.rng.random() < 0.3 else None,
            "snoozed_until": None,
            "title": self.rng.choice([None, "Refund request", "Login problem", "Invoice 注文"]),
            "state": self.rng.choice(["open", "closed", "snoozed"]),
            "open": self.rng.random() < 0.4,
            "read": self.rng.random() < 0.7,
            "priority": self.rng.choice(["none", "low", "high", "urgent"]),
            "admin_assignee_id": self.rng.choice([0, 5_000_001, 5_000_002, 5_000_003]),
            "team_assignee_id": self.rng.choice([0, 7_001, 7_002]),
            "source_type": "conversation",
            "source_id": str(400_000_000 + number),
            "source_delivered_as": "customer_initiated",
            "source_subject": "",
            "source_body": self.html_body(),
            "source_url": None,
            "source_redacted": False,
            "source_author_type": "user",
            "source_author_id": contact_id,
            "source_author_name": f"Customer {contact_id}",
            "source_author_email": f"customer{contact_id}@example.com",
            "source_attachments": [],
            "contacts": {
                "type": "contact.list",
                "contacts": [{"type": "contact", "id": contact_id, "external_id": None}],
            },
            "teammates": {"type": "admin.list", "admins": []},
            "tags": [],
            "custom_attributes": {
                "Plan": self.rng.choice(["free", "pro", "enterprise"]),
                "Order value": round(self.rng.uniform(1, 900), 2),
                "Escalated": self.rng.random() < 0.1,
                "Region": self.rng.choice(["EU", "US", "AU"]),
            },
            "statistics": {
                "type": "conversation_statistics",
                "time_to_admin_reply": self.rng.randint(10, 90_000),
                "first_contact_reply_at": int(created.timestamp()),
                "median_time_to_reply": self.rng.randint(10, 90_000),
                "count_reopens": self.rng.randint(0, 3),
                "count_assignments": self.rng.randint(0, 4),
                "count_conversation_parts": 0,
            },
            "conversation_rating": None,
            "sla_applied": None,
            "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
            "ai_agent_participated": False,
            "parts_total_count": 0,
            "parts_truncated": False,
        }

    def part(self, conversation: dict[str, Any], message_number: int) -> dict[str, Any]:
        created = datetime.fromisoformat(conversation["created_at"])
        at = created + timedelta(seconds=self.rng.randint(1, 48 * 3600))
        author_type = self.rng.choice(["admin", "user", "bot", "team"])
        author_id = str(5_000_000 + self.rng.randint(1, 40))
        return {
            "message_id": str(900_000_000 + message_number),
            "conversation_id": conversation["conversation_id"],
            "part_type": self.rng.choice(["comment", "note", "assignment", "close", "open"]),
            "body": self.html_body(),
            "author_type": author_type,
            "author_id": author_id,
            "author_name": f"{author_type.title()} {author_id}",
            "author_email": f"{author_type}{author_id}@example.com",
            "attachments": [],
            "created_at": iso(at),
            "updated_at": iso(at),
            "notified_at": iso(at),
            "assigned_to": None,
            "external_id": None,
            "redacted": False,
        }

    def tag(self, conversation: dict[str, Any]) -> dict[str, Any]:
        tag_id = str(8_000 + self.rng.randint(1, 40))
        return {
            "conversation_id": conversation["conversation_id"],
            "tag_id": tag_id,
            "name": f"tag-{tag_id}",
            "applied_at": conversation["updated_at"],
            "applied_by": {"type": "admin", "id": "5000001"},
        }

    def records(self, number: int, first_message: int) -> list[tuple[str, dict[str, Any]]]:
        conversation = self.conversation(number)
        parts = [
            self.part(conversation, first_message + offset)
            for offset in range(self.rng.randint(*PARTS_PER_CONVERSATION))
        ]
        tags = {tag["tag_id"]: tag for tag in self.tags_for(conversation)}
        conversation["parts_total_count"] = len(parts)
        conversation["statistics"]["count_conversation_parts"] = len(parts)
        conversation["tags"] = sorted(tag["name"] for tag in tags.values())
        rows = [("conversations", conversation)]
        rows += [("conversation_parts", part) for part in parts]
        rows += [("conversation_tags", tag) for tag in tags.values()]
        return rows

    def tags_for(self, conversation: dict[str, Any]) -> list[dict[str, Any]]:
        return [self.tag(conversation) for _ in range(self.rng.randint(*TAGS_PER_CONVERSATION))]


def schema_messages() -> Iterator[dict[str, Any]]:
    for stream in STREAMS:
        message: dict[str, Any] = {
            "type": "SCHEMA",
            "stream": stream.name,
            "schema": stream.schema,
            "key_properties": list(stream.key_properties),
        }
        if stream.replication_key:
            message["bookmark_properties"] = [stream.replication_key]
        yield message


def state_message(updated_at: str, complete: bool) -> dict[str, Any]:
    sync = {
        "run_id": "bench-0000",
        "type": "full",
        "started_at": iso(ANCHOR),
        "complete": complete,
    }
    bookmark = {"replication_key": "updated_at", "replication_key_value": updated_at}
    return {"type": "STATE", "value": {"bookmarks": {"conversations": bookmark}, "sync": sync}}


def messages(conversations: int, seed: int) -> Iterator[dict[str, Any]]:
    """Every message of the stream, in the order the tap writes them."""
    factory = ConversationFactory(seed)
    yield from schema_messages()
    since_state = 0
    next_message = 0
    last_updated = iso(ANCHOR)
    for number in range(conversations):
        rows = factory.records(number, next_message)
        next_message += sum(1 for stream, _ in rows if stream == "conversation_parts")
        for stream, record in rows:
            yield {"type": "RECORD", "stream": stream, "record": record}
        last_updated = rows[0][1]["updated_at"]
        since_state += len(rows)
        if since_state >= STATE_EVERY_RECORDS:
            yield state_message(last_updated, complete=False)
            since_state = 0
    yield state_message(last_updated, complete=True)


def write_singer_file(path: Path, conversations: int, seed: int = 7) -> SingerFile:
    """Write the stream once; a file already there (same name = same size and seed) is reused."""
    counts_path = path.with_suffix(".counts.json")
    if path.exists() and counts_path.exists():
        counts = json.loads(counts_path.read_text())
        return SingerFile(path, conversations, counts)
    path.parent.mkdir(parents=True, exist_ok=True)
    counts = {stream.name: 0 for stream in STREAMS}
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for message in messages(conversations, seed):
            if message["type"] == "RECORD":
                counts[message["stream"]] += 1
            out.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")
    partial.rename(path)
    counts_path.write_text(json.dumps(counts))
    return SingerFile(path, conversations, counts)


def singer_file_path(work_dir: Path, conversations: int, seed: int = 7) -> Path:
    return work_dir / "data" / f"conversations-{conversations}-seed{seed}.singer"
