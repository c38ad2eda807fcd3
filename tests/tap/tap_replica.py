"""What a loader would hold after applying tap output in order: upserts by key, last wins.

Conversation tags are replaced as a set whenever their conversation is written again (the tap
writes a conversation's complete tag set after it: docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

KEYS = {
    "conversations": ("conversation_id",),
    "conversation_parts": ("message_id",),
    "conversation_tags": ("conversation_id", "tag_id"),
    "contacts": ("contact_id",),
    "admins": ("admin_id",),
    "tags": ("tag_id",),
    "teams": ("team_id",),
    "segments": ("segment_id",),
    "companies": ("company_id",),
    "tickets": ("ticket_id",),
    "data_attributes": ("model", "name"),
    "deleted_conversations": ("conversation_id",),
    # Id snapshots (the deletion check): no key of their own (a snapshot's closing record has no
    # object id); kept here by snapshot, the last record (the closing one) winning.
    "contact_ids_snapshot": ("snapshot_id",),
    "company_ids_snapshot": ("snapshot_id",),
}


class Replica:
    def __init__(self) -> None:
        self.tables: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {name: {} for name in KEYS}

    def apply(self, messages: Iterable[dict[str, Any]]) -> Replica:
        for message in messages:
            if message["type"] == "RECORD":
                self._upsert(message["stream"], message["record"])
        return self

    def _upsert(self, stream: str, record: dict[str, Any]) -> None:
        if stream == "conversations":
            stale = [
                k for k in self.tables["conversation_tags"] if k[0] == record["conversation_id"]
            ]
            for key in stale:
                del self.tables["conversation_tags"][key]
        key = tuple(record[name] for name in KEYS[stream])
        self.tables[stream][key] = record

    def ids(self, stream: str) -> set[Any]:
        return {key[0] if len(key) == 1 else key for key in self.tables[stream]}

    def live_conversations(self) -> dict[str, dict[str, Any]]:
        deleted = self.ids("deleted_conversations")
        return {
            key[0]: record
            for key, record in self.tables["conversations"].items()
            if key[0] not in deleted
        }
