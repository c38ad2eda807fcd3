"""Every top-level field the 2.16 description documents for an object we emit has a column; a
field it does not document is reported, not dropped silently.

A field is documented when the object's schema names it, or when a full example of the object in
the description carries it (the contact schema lacks `utm_*`, `referrer` and the subscription
types, which every contact example shows). Each field is a column of the same name, a renamed
column, flattened into prefixed columns, or listed below as a deliberate omission with its reason.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fake.openapi import load_spec
from intercom_sandbox.fake import FakeIntercom
from taprun import catalog_selecting, config_for, run_tap

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"

SPEC_OBJECTS = {
    "contacts": "contact",
    "conversations": "conversation",
    "conversation_parts": "conversation_part",
    "conversation_tags": "tag",
    "admins": "admin",
    "tags": "tag",
    "teams": "team",
    "companies": "company",
    "segments": "segment",
    "data_attributes": "data_attribute",
    "tickets": "ticket",
    "deleted_conversations": "deleted_conversation_item",
}

# Fields that land in a column of another name (tap_intercom/records.py).
RENAMED = {
    ("contacts", "id"): "contact_id",
    ("conversations", "id"): "conversation_id",
    ("conversation_parts", "id"): "message_id",
    ("conversation_tags", "id"): "tag_id",
    ("admins", "id"): "admin_id",
    ("tags", "id"): "tag_id",
    ("teams", "id"): "team_id",
    ("companies", "id"): "company_id",
    ("companies", "company_id"): "external_company_id",
    ("segments", "id"): "segment_id",
    ("data_attributes", "id"): "data_attribute_id",
    ("tickets", "id"): "ticket_id",
    ("tickets", "ticket_id"): "ticket_number",
    ("deleted_conversations", "id"): "conversation_id",
}

# Nested objects whose fields become prefixed columns: every field of theirs needs one.
FLATTENED = {
    "conversations": {"source": "source_", "source.author": "source_author_"},
    "conversation_parts": {"author": "author_"},
    "conversation_tags": {"applied_by": "applied_by_"},
}

OMITTED = {
    ("contacts", "merge_history"): (
        "sent only when a request passes include_merge_history=true (spec L8706); the tap does "
        "not ask for it"
    ),
    ("conversations", "conversation_parts"): "a stream of its own: conversation_parts",
    ("conversations", "monitor_evaluations"): (
        "sent only with include_monitors=true (spec L26735); the tap does not ask for it"
    ),
    ("conversations", "scorecards"): (
        "sent only with include_scorecards=true (spec L26740); the tap does not ask for it"
    ),
    ("conversation_tags", "type"): "always `tag`",
    ("conversation_tags", "companies"): "only in the answer to tagging companies (POST /tags)",
    ("conversation_tags", "users"): "only in the answer to tagging users (POST /tags)",
    ("tags", "applied_at"): "describes a tag applied to an object: in conversation_tags",
    ("tags", "applied_by"): "describes a tag applied to an object: in conversation_tags",
    ("tags", "companies"): "only in the answer to tagging companies (POST /tags), not GET /tags",
    ("tags", "users"): "only in the answer to tagging users (POST /tags), not GET /tags",
    ("data_attributes", "type"): "always `data_attribute`",
    ("tickets", "ticket_state_internal_label"): (
        "an older flat copy of ticket_state.internal_label, kept in the ticket_state column"
    ),
    ("tickets", "ticket_state_external_label"): (
        "an older flat copy of ticket_state.external_label, kept in the ticket_state column"
    ),
    ("deleted_conversations", "type"): "always `conversation`",
}


@cache
def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = load_spec("2.16")["components"]["schemas"]
    return schemas


def _properties(node: dict[str, Any]) -> dict[str, Any]:
    """The properties of a schema node, through $ref, allOf and anyOf."""
    if "$ref" in node:
        return _properties(_schemas()[node["$ref"].split("/")[-1]])
    found = dict(node.get("properties") or {})
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(key) or []:
            found.update(_properties(branch))
    return found


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


@cache
def _example_fields() -> dict[str, set[str]]:
    """Fields of full example objects by `type`: objects carrying at least half of their
    schema's properties, so that references like `{type, id}` do not count."""
    found: dict[str, set[str]] = defaultdict(set)
    wanted = set(SPEC_OBJECTS.values())
    for operations in load_spec("2.16")["paths"].values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for response in (operation.get("responses") or {}).values():
                for content in (response.get("content") or {}).values():
                    for example in (content.get("examples") or {}).values():
                        for obj in _walk(example.get("value")):
                            kind = obj.get("type")
                            if kind in wanted and _is_full(kind, obj):
                                found[kind].update(obj)
    return found


def _is_full(kind: str, obj: dict[str, Any]) -> bool:
    documented = set(_properties(_schemas()[kind]))
    return 2 * len(documented & set(obj)) >= len(documented)


def documented_fields(stream: str) -> set[str]:
    kind = SPEC_OBJECTS[stream]
    return set(_properties(_schemas()[kind])) | _example_fields()[kind]


def columns(stream: str) -> set[str]:
    return set(json.loads((SCHEMAS / f"{stream}.json").read_text())["properties"])


def _nested(stream: str, path: str) -> set[str]:
    node = _schemas()[SPEC_OBJECTS[stream]]
    for step in path.split("."):
        node = _properties(node)[step]
    return set(_properties(node))


def missing_columns(stream: str) -> list[str]:
    have = columns(stream)
    flattened = FLATTENED.get(stream, {})
    missing = []
    for field in sorted(documented_fields(stream)):
        column = RENAMED.get((stream, field), field)
        if column in have or field in flattened or (stream, field) in OMITTED:
            continue
        missing.append(field)
    for path, prefix in flattened.items():
        nested_flat = {p.split(".", 1)[1] for p in flattened if p.startswith(f"{path}.")}
        for field in sorted(_nested(stream, path) - nested_flat):
            if f"{prefix}{field}" not in have:
                missing.append(f"{path}.{field}")
    return missing


@pytest.mark.parametrize("stream", sorted(SPEC_OBJECTS))
def test_every_documented_field_has_a_column(stream: str) -> None:
    assert missing_columns(stream) == [], f"{stream}: add a column or an OMITTED reason"


# The tap's own records, not an Intercom object: the id snapshots of the deletion check.
NOT_INTERCOM_OBJECTS = {"contact_ids_snapshot", "company_ids_snapshot"}


def test_every_stream_is_compared() -> None:
    streams = {path.stem for path in SCHEMAS.glob("*.json")} - NOT_INTERCOM_OBJECTS
    assert streams == set(SPEC_OBJECTS)


def test_each_omission_and_rename_names_a_documented_field() -> None:
    stale = [key for key in [*OMITTED, *RENAMED] if key[1] not in documented_fields(key[0])]
    assert stale == []


def test_the_example_fields_are_found() -> None:
    """The comparison reads the examples too: the contact schema alone lacks these."""
    contact_fields = documented_fields("contacts")
    assert {"utm_source", "referrer", "opted_in_subscription_types"} <= contact_fields
    assert "utm_source" not in _properties(_schemas()["contact"])


def test_a_field_nobody_documented_is_reported_and_the_record_kept(
    fake_intercom, tmp_path: Path
) -> None:
    """The issue names `sms_consent` as a contact field; the 2.14-2.16 descriptions never mention
    it, so the tap has no column for it. If Intercom sends it, the run says so."""
    fake: FakeIntercom = fake_intercom(seed=3, conversations=1, contacts=4)
    first = next(iter(fake.workspace.contacts.values()))
    first["sms_consent"] = {"type": "sms_consent", "consented": True}  # injected by this test
    config = config_for(fake)

    output = run_tap(tmp_path, config, None, *catalog_selecting(tmp_path, config, {"contacts"}))

    assert {r["contact_id"] for r in output.records["contacts"]} == set(fake.workspace.contacts)
    warnings = [line for line in output.stderr.splitlines() if "contacts.sms_consent:" in line]
    assert len(warnings) == 1
    assert "not stored (the record is kept)" in warnings[0]
