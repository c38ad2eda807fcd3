"""The rows the Supabase tables must hold, built from the fake's ground truth.

Deliberately independent of the tap's transform code: the mapping below is written from the
documented columns (docs/tables.md: `<entity>_id`, flattened `source_*`, ISO timestamps, tag names
as an array), so a mistake in the tap's transform shows up as a difference instead of being copied
into the test. Only the columns that matter for "nothing lost, nothing stale" are compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

# Intercom's GET /conversations/{id} returns at most the 500 most recent parts
# (spec 2.16 L10994 and the conversation_parts description:
# docs/intercom-api.md#conversations-and-their-parts).
PART_LIMIT = 500

Key = tuple[Any, ...]
Row = dict[str, Any]


@dataclass
class TableExpectation:
    """Expected rows of one table, by primary key.

    `optional` rows may be absent (e.g. a conversation deleted in Intercom before we ever synced
    it), but must match when present. Actual rows matching `ignore` are not compared at all.
    """

    table: str
    key_columns: tuple[str, ...]
    rows: dict[Key, Row]
    optional: dict[Key, Row] = field(default_factory=dict)
    ignore_conversations: frozenset[str] = frozenset()

    def with_optional(self, rows: dict[Key, Row]) -> TableExpectation:
        self.optional.update(rows)
        return self

    @property
    def columns(self) -> list[str]:
        names: dict[str, None] = dict.fromkeys(self.key_columns)
        for row in [*self.rows.values(), *self.optional.values()]:
            names.update(dict.fromkeys(row))
        return list(names)


def ts(value: int | None) -> datetime | None:
    """Intercom's Unix seconds as the timestamptz the target loads."""
    return None if value is None else datetime.fromtimestamp(int(value), timezone.utc)


def text(value: str | None) -> str | None:
    """PostgreSQL rejects NUL in text; the target strips it and changes nothing else."""
    return None if value is None else value.replace("\x00", "")


class _Marked:
    """Equal to any timestamp: a row marked deleted by a deletion check carries the time the
    check noticed, which Intercom does not tell."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, datetime)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<a timestamp>"


MARKED = _Marked()


def removed_contacts(truth: Any) -> dict[Key, Row]:
    """Contacts that left Intercom: their rows stay, marked (docs/deletions.md), if a run saw
    them."""
    removed: dict[Key, Row] = {
        (cid,): {"deleted_at": MARKED}
        for cid in [*truth.deleted_contacts, *truth.archived_contacts]
    }
    for lead, user in truth.merged_contacts.items():
        removed[(lead,)] = {"deleted_at": MARKED, "merged_into_id": user}
    return removed


def expected_tables(truth: Any) -> list[TableExpectation]:
    deleted: Mapping[str, int] = dict(truth.deleted_conversations)
    live = {cid: conv for cid, conv in truth.conversations.items() if cid not in deleted}
    gone = frozenset(deleted)
    return [
        conversations_table(live, deleted),
        messages_table(live, gone),
        conversation_tags_table(live, gone),
        simple_table(
            "intercom_users", "contact_id", truth.contacts.values(), contact_row
        ).with_optional(removed_contacts(truth)),
        simple_table("intercom_admins", "admin_id", truth.admins.values(), named_row),
        simple_table("intercom_tags", "tag_id", truth.tags.values(), named_row),
        simple_table("intercom_teams", "team_id", truth.teams.values(), named_row),
        simple_table("intercom_segments", "segment_id", truth.segments.values(), named_row),
        simple_table(
            "intercom_companies", "company_id", truth.companies.values(), company_row
        ).with_optional({(cid,): {"deleted_at": MARKED} for cid in truth.deleted_companies}),
        simple_table("intercom_tickets", "ticket_id", truth.tickets.values(), ticket_row),
        data_attributes_table(truth.data_attributes),
    ]


def conversations_table(live: Mapping[str, Row], deleted: Mapping[str, int]) -> TableExpectation:
    rows = {(cid,): conversation_row(conv) for cid, conv in live.items()}
    # A conversation deleted in Intercom stays in the table, marked (docs/deletions.md); it can only
    # be there if an earlier run saw it alive.
    optional = {(cid,): {"deleted_at": ts(at)} for cid, at in deleted.items()}
    return TableExpectation("intercom_conversations", ("conversation_id",), rows, optional)


def conversation_row(conv: Row) -> Row:
    parts = all_parts(conv)
    source = conv.get("source") or {}
    return {
        "created_at": ts(conv["created_at"]),
        "updated_at": ts(conv["updated_at"]),
        "state": conv["state"],
        "open": conv["open"],
        "priority": conv["priority"],
        "title": text(conv.get("title")),
        "source_body": text(source.get("body")),
        "tags": sorted(text(tag["name"]) for tag in applied_tags(conv)),
        # The real API's key (intercom/Intercom-OpenAPI#220), not the old description's.
        "teammates": conv["teammates"]["admins"],
        "parts_total_count": len(parts),
        "parts_truncated": len(parts) > PART_LIMIT,
        "parts_returned_count": min(len(parts), PART_LIMIT),
        "deleted_at": None,
    }


def messages_table(live: Mapping[str, Row], gone: frozenset[str]) -> TableExpectation:
    rows: dict[Key, Row] = {}
    older: dict[Key, Row] = {}
    for cid, conv in live.items():
        parts = all_parts(conv)
        for part in parts[:-PART_LIMIT]:
            # Beyond the API's window now, but loaded while it was inside: still true data.
            older[(str(part["id"]),)] = message_row(cid, part)
        for part in parts[-PART_LIMIT:]:
            rows[(str(part["id"]),)] = message_row(cid, part)
    return TableExpectation(
        "intercom_messages", ("message_id",), rows, optional=older, ignore_conversations=gone
    )


def message_row(conversation_id: str, part: Row) -> Row:
    author = part.get("author") or {}
    return {
        "conversation_id": conversation_id,
        "part_type": part["part_type"],
        "body": text(part.get("body")),
        "author_type": author.get("type"),
        "author_id": None if author.get("id") is None else str(author["id"]),
        "created_at": ts(part["created_at"]),
        "updated_at": ts(part.get("updated_at")),
    }


def conversation_tags_table(live: Mapping[str, Row], gone: frozenset[str]) -> TableExpectation:
    rows: dict[Key, Row] = {
        (cid, str(tag["id"])): {"name": text(tag["name"]), "applied_at": ts(tag["applied_at"])}
        for cid, conv in live.items()
        for tag in applied_tags(conv)
    }
    return TableExpectation(
        "intercom_conversation_tags", ("conversation_id", "tag_id"), rows, ignore_conversations=gone
    )


def simple_table(table: str, key: str, objects: Iterable[Row], to_row: Any) -> TableExpectation:
    return TableExpectation(table, (key,), {(str(obj["id"]),): to_row(obj) for obj in objects})


def data_attributes_table(attributes: Iterable[Row]) -> TableExpectation:
    rows = {(a["model"], a["name"]): {"data_type": a.get("data_type")} for a in attributes}
    return TableExpectation("intercom_data_attributes", ("model", "name"), rows)


def contact_row(contact: Row) -> Row:
    return {
        "email": text(contact.get("email")),
        "updated_at": ts(contact["updated_at"]),
        # Every tag, company and note, also past the 10 that Intercom embeds in a contact.
        "tags": contact["tags"],
        "companies": contact["companies"],
        "notes": contact["notes"],
        # Documented by the contact examples, not the schema (spec 2.16 L8134-8152).
        "utm_source": contact["utm_source"],
        "referrer": contact["referrer"],
        "opted_out_subscription_types": contact["opted_out_subscription_types"],
        "deleted_at": None,
    }


def named_row(obj: Row) -> Row:
    return {"name": text(obj.get("name"))}


def company_row(company: Row) -> Row:
    return {
        "name": text(company.get("name")),
        "monthly_spend": company.get("monthly_spend"),
        "updated_at": ts(company["updated_at"]),
        "deleted_at": None,
    }


def ticket_row(ticket: Row) -> Row:
    return {"updated_at": ts(ticket["updated_at"])}


def all_parts(conv: Row) -> list[Row]:
    return list((conv.get("conversation_parts") or {}).get("conversation_parts") or [])


def visible_parts(conv: Row) -> list[Row]:
    """The parts the API can return: the 500 most recent (truth lists them oldest first)."""
    return all_parts(conv)[-PART_LIMIT:]


def applied_tags(conv: Row) -> list[Row]:
    return list((conv.get("tags") or {}).get("tags") or [])
