"""Compare what the tap delivered (a Replica) with what the fake Intercom holds (its Truth)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from intercom_sandbox.fake import Truth
from tap_replica import Replica

PART_LIMIT = 500


def iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat()


def assert_matches_truth(replica: Replica, truth: Truth) -> None:
    _assert_conversations(replica, truth)
    _assert_updated("contacts", replica, truth.contacts)
    _assert_contact_lists(replica, truth.contacts)
    _assert_updated("companies", replica, truth.companies)
    _assert_updated("tickets", replica, truth.tickets)
    for stream, objects in (
        ("admins", truth.admins),
        ("tags", truth.tags),
        ("teams", truth.teams),
        ("segments", truth.segments),
    ):
        assert replica.ids(stream) == set(objects), stream
    attributes = {(a["model"], a["name"]) for a in truth.data_attributes}
    assert replica.ids("data_attributes") == attributes
    assert replica.ids("deleted_conversations") == set(truth.deleted_conversations)


def _assert_updated(stream: str, replica: Replica, objects: dict[str, dict[str, Any]]) -> None:
    key = replica_key(stream)
    delivered = {record[key]: record["updated_at"] for record in replica.tables[stream].values()}
    assert delivered == {oid: iso(obj["updated_at"]) for oid, obj in objects.items()}, stream


def _assert_contact_lists(replica: Replica, contacts: dict[str, dict[str, Any]]) -> None:
    """Every tag, company and note of a contact, not only the 10 the API embeds."""
    for (contact_id,), record in replica.tables["contacts"].items():
        for key in ("tags", "companies", "notes"):
            assert record[key] == contacts[contact_id][key], (contact_id, key)


def replica_key(stream: str) -> str:
    return {"contacts": "contact_id", "companies": "company_id", "tickets": "ticket_id"}[stream]


def _assert_conversations(replica: Replica, truth: Truth) -> None:
    live = replica.live_conversations()
    assert set(live) == set(truth.conversations), set(live) ^ set(truth.conversations)
    for cid, conversation in truth.conversations.items():
        record = live[cid]
        assert record["updated_at"] == iso(conversation["updated_at"]), cid
        assert record["state"] == conversation["state"], cid
        assert sorted(record["tags"]) == sorted(t["name"] for t in conversation["tags"]["tags"])
        # Intercom lists them under teammates.admins (intercom/Intercom-OpenAPI#220).
        assert record["teammates"] == conversation["teammates"]["admins"], cid
    delivered_tags = {key for key in replica.ids("conversation_tags") if key[0] in live}
    expected_tags = {
        (cid, tag["id"])
        for cid, conversation in truth.conversations.items()
        for tag in conversation["tags"]["tags"]
    }
    assert delivered_tags == expected_tags
    _assert_parts(replica, truth, live)


def _assert_parts(replica: Replica, truth: Truth, live: dict[str, dict[str, Any]]) -> None:
    delivered: dict[str, set[str]] = {}
    for record in replica.tables["conversation_parts"].values():
        delivered.setdefault(record["conversation_id"], set()).add(record["message_id"])
    for cid, conversation in truth.conversations.items():
        parts = {part["id"] for part in conversation["conversation_parts"]["conversation_parts"]}
        got = delivered.get(cid, set())
        # The number of parts, not Intercom's count, which includes the source message.
        assert live[cid]["parts_total_count"] == len(parts), cid
        if len(parts) <= PART_LIMIT:
            assert got == parts, cid
            assert live[cid]["parts_truncated"] is False, cid
        else:
            # Intercom returns only the 500 latest parts; the tap must say so.
            assert got <= parts, cid
            assert len(got) >= PART_LIMIT, cid
            assert live[cid]["parts_truncated"] is True, cid
