"""Intercom objects -> records shaped by the stream's schema (schemas/<stream>.json).

Conventions: Intercom's `id` becomes `<entity>_id`; nested `source.*`/`author.*` become
`source_*`/`author_*`; top-level timestamps become ISO-8601 UTC strings (nested objects are kept as
Intercom sends them); ids are text; everything else keeps its shape. A timestamp in milliseconds or
microseconds is converted, an implausible one becomes null; either is warned about once per field
and the record is kept (docs/intercom-api.md#timestamps).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from tap_intercom import normalize, timestamps
from tap_intercom.schema_files import load_schema
from tap_intercom.value_warnings import warn_once


@cache
def _properties(stream_name: str) -> dict[str, dict[str, Any]]:
    properties: dict[str, dict[str, Any]] = load_schema(stream_name)["properties"]
    return properties


# Intercom fields that land under another name, in prefixed columns or in another stream.
_MAPPED_ELSEWHERE: dict[str, frozenset[str]] = {
    "conversations": frozenset({"id", "source", "conversation_parts"}),
    "conversation_parts": frozenset({"id", "author"}),
    "conversation_tags": frozenset({"id", "type", "applied_by"}),
    "companies": frozenset({"id", "company_id"}),
    # The labels are older flat copies of what the ticket_state column holds.
    "tickets": frozenset(
        {"id", "ticket_id", "ticket_state_internal_label", "ticket_state_external_label"}
    ),
    "data_attributes": frozenset({"id", "type"}),
    "deleted_conversations": frozenset({"id", "type"}),
}


def shape(
    stream_name: str, values: dict[str, Any], raw: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Exactly the schema's properties, with values converted to the declared types. A field of
    the `raw` Intercom object that has no column is reported (once per stream and field)."""
    if raw is not None:
        _report_unkept(stream_name, raw)
    return {
        name: _convert(values.get(name), prop, stream_name, name)
        for name, prop in _properties(stream_name).items()
    }


def _report_unkept(stream: str, raw: dict[str, Any]) -> None:
    elsewhere = _MAPPED_ELSEWHERE.get(stream, frozenset({"id"}))
    for field in raw:
        if field not in _properties(stream) and field not in elsewhere:
            message = (
                "Intercom sent this field, which the stream's schema does not know; it is not "
                "stored (the record is kept)"
            )
            warn_once(stream, field, "unkept", message)


def _convert(value: Any, prop: dict[str, Any], stream: str, field: str) -> Any:
    if value is None:
        return None
    if prop.get("format") == "date-time":
        return _timestamp(value, stream, field)
    types = prop.get("type")
    types = types if isinstance(types, list) else [types]
    if "string" in types and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if "integer" in types and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if "array" in types and prop.get("items", {}).get("type") == "integer" and value:
        return [int(item) if isinstance(item, str) and item.isdigit() else item for item in value]
    return value


def _timestamp(value: Any, stream: str, field: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    reading = timestamps.read(value)
    if reading.seconds is None:
        warn_once(
            stream,
            field,
            "implausible",
            f"{value!r} is no plausible timestamp (1970 to 2200 in seconds, milliseconds or "
            "microseconds); stored as null, the record is kept",
        )
        return None
    moment = timestamps.iso(reading.seconds)
    if reading.unit != "seconds":
        unit = reading.unit or ""
        warn_once(stream, field, unit, f"{value!r} is in {unit}, not seconds; read as {moment}")
    return moment


def flatten(prefix: str, obj: dict[str, Any] | None) -> dict[str, Any]:
    return {f"{prefix}_{key}": value for key, value in (obj or {}).items()}


def unwrap(container: Any, key: str) -> Any:
    """The list inside Intercom's `{type: "x.list", <key>: [...]}` wrappers."""
    return container.get(key) if isinstance(container, dict) else container


def conversation(detail: dict[str, Any]) -> dict[str, Any]:
    source = detail.get("source") or {}
    parts = detail.get("conversation_parts") or {}
    returned = len(parts.get("conversation_parts") or [])
    total = _true_part_count(detail, returned)
    values = {
        **detail,
        **flatten("source", source),
        **flatten("source_author", source.get("author")),
        "conversation_id": detail["id"],
        "priority": normalize.priority(detail.get("priority")),
        "admin_assignee_id": normalize.assignee_id(detail.get("admin_assignee_id")),
        "team_assignee_id": normalize.assignee_id(detail.get("team_assignee_id")),
        "contacts": unwrap(detail.get("contacts"), "contacts"),
        "teammates": _teammates(detail.get("teammates")),
        "tags": [tag.get("name") for tag in _applied_tags(detail)],
        "parts_total_count": total,
        "parts_returned_count": returned,
        "parts_truncated": total > returned,
    }
    return shape("conversations", values, raw=detail)


def _teammates(container: Any) -> Any:
    """The real API lists them under `admins`; the description said `teammates` until
    intercom/Intercom-OpenAPI#220 ("teammates.teammates to teammates.admins"). Read both."""
    if isinstance(container, dict) and "admins" in container:
        return container["admins"]
    return unwrap(container, "teammates")


def _true_part_count(detail: dict[str, Any], returned: int) -> int:
    """The number of parts; the part list stops at 500 (spec L10994: "we will return the 500 most
    recent conversation parts"). statistics.count_conversation_parts counts the source message
    too (Intercom support, quoted in airbytehq/airbyte#39463), so it is one more than the parts."""
    statistics = detail.get("statistics") or {}
    parts = detail.get("conversation_parts") or {}
    counted = statistics.get("count_conversation_parts")
    counts = [
        None if counted is None else int(counted) - 1,
        parts.get("total_count"),
        returned,
    ]
    return max(int(count) for count in counts if count is not None)


def conversation_parts(detail: dict[str, Any]) -> list[dict[str, Any]]:
    parts = unwrap(detail.get("conversation_parts"), "conversation_parts") or []
    return [
        shape(
            "conversation_parts",
            {
                **part,
                **flatten("author", part.get("author")),
                "message_id": part["id"],
                "conversation_id": detail["id"],
            },
            raw=part,
        )
        for part in parts
    ]


def conversation_tags(detail: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        shape(
            "conversation_tags",
            {
                **tag,
                **flatten("applied_by", tag.get("applied_by")),
                "conversation_id": detail["id"],
                "tag_id": tag["id"],
            },
            raw=tag,
        )
        for tag in _applied_tags(detail)
    ]


def _applied_tags(detail: dict[str, Any]) -> list[dict[str, Any]]:
    return unwrap(detail.get("tags"), "tags") or []


def contact(raw: dict[str, Any]) -> dict[str, Any]:
    owner = normalize.optional_text(raw.get("owner_id"))
    return shape("contacts", {**raw, "contact_id": raw["id"], "owner_id": owner}, raw=raw)


def company(raw: dict[str, Any]) -> dict[str, Any]:
    values = {**raw, "company_id": raw["id"], "external_company_id": raw.get("company_id")}
    return shape("companies", values, raw=raw)


def ticket(raw: dict[str, Any]) -> dict[str, Any]:
    parts = raw.get("ticket_parts") or {}
    returned = unwrap(parts, "ticket_parts") or []
    total = max(int(parts.get("total_count") or 0), len(returned))
    values = {
        **raw,
        "ticket_id": raw["id"],
        "ticket_number": raw.get("ticket_id"),
        "admin_assignee_id": normalize.assignee_id(raw.get("admin_assignee_id")),
        "team_assignee_id": normalize.assignee_id(raw.get("team_assignee_id")),
        "contacts": unwrap(raw.get("contacts"), "contacts"),
        "ticket_parts": returned,
        "parts_total_count": total,
        "parts_truncated": total > len(returned),
    }
    return shape("tickets", values, raw=raw)


def admin(raw: dict[str, Any]) -> dict[str, Any]:
    avatar = raw.get("avatar")
    # 2.16 sends the avatar as a URL string; older versions as {type, image_url}.
    image = avatar.get("image_url") if isinstance(avatar, dict) else avatar
    return shape("admins", {**raw, "admin_id": raw["id"], "avatar": image}, raw=raw)


def simple(stream_name: str, id_field: str, raw: dict[str, Any]) -> dict[str, Any]:
    return shape(stream_name, {**raw, id_field: raw["id"]}, raw=raw)


def data_attribute(raw: dict[str, Any]) -> dict[str, Any]:
    return shape("data_attributes", {**raw, "data_attribute_id": raw.get("id")}, raw=raw)


def deleted_conversation(raw: dict[str, Any]) -> dict[str, Any]:
    return shape("deleted_conversations", {**raw, "conversation_id": raw["id"]}, raw=raw)
