"""Response schemas from Intercom's official OpenAPI files, with the spec's known quirks patched.

Each patch is a place where the spec cannot describe what the API sends; the fake sends what the
API sends and the patch says why.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

# Intercom's official descriptions, kept beside this module (specs/README.md: source, commit,
# licence, checksums).
SPEC_DIR = Path(__file__).parent / "specs"
# Nullable timestamps/ids in conversation statistics: the spec types them as plain integers, but a
# conversation never closed (or never assigned) has no close (assignment) time; the fake sends
# null there. Not verified against live data.
NULLABLE_STATISTICS = (
    "time_to_first_close", "time_to_last_close", "first_assignment_at", "first_close_at",
    "last_assignment_at", "last_assignment_admin_reply_at", "last_close_at", "last_closed_by_id",
)  # fmt: skip


@functools.cache
def load_spec(version: str) -> dict[str, Any]:
    with (SPEC_DIR / version / "api.intercom.io.yaml").open() as handle:
        spec = yaml.load(handle, Loader=yaml.CSafeLoader)
    return patch_quirks(spec, version)


def patch_quirks(spec: dict[str, Any], version: str) -> dict[str, Any]:
    spec = _nullable_refs(copy.deepcopy(spec))
    schemas = spec["components"]["schemas"]
    for name in NULLABLE_STATISTICS:
        schemas["conversation_statistics"]["properties"][name]["nullable"] = True
    # ticket.snoozed_until: "If null, the ticket is not currently snoozed." (2.16 L33827), yet the
    # schema is a non-nullable integer.
    schemas["ticket"]["properties"]["snoozed_until"]["nullable"] = True
    # Conversation teammates: the API lists them under `admins`, the description under `teammates`
    # until intercom/Intercom-OpenAPI#220 ("teammates.teammates to teammates.admins", 2025).
    teammates = schemas["conversation_teammates"]["properties"]
    teammates["admins"] = teammates.pop("teammates")
    schemas["conversation_teammates"]["additionalProperties"] = False
    # Custom attribute values: data attributes may be string, integer, float, boolean or date
    # (schema data_attribute.data_type), but company custom_attributes allow only strings
    # (2.16 L25045) and conversation custom_attributes lack floats and booleans (2.16 L29058).
    schemas["company"]["properties"]["custom_attributes"]["additionalProperties"] = {}
    schemas["custom_attributes"]["additionalProperties"] = {}
    if version != "2.16":
        # 2.14/2.15 listDataAttributes accepts model=conversation (2.14 L9201) and returns
        # conversation attributes, but data_attribute.model allows only contact|company (L19234).
        schemas["data_attribute"]["properties"]["model"]["enum"].append("conversation")
    return spec


def _nullable_refs(node: Any) -> Any:
    """`{"$ref": X, "nullable": true}`: OpenAPI 3.0 ignores siblings of $ref, so the spec's way of
    marking ai_agent, sales_agent, company, assigned_to... nullable has no effect. Rewrite it to a
    form a validator honours."""
    if isinstance(node, dict):
        if "$ref" in node and node.get("nullable") is True:
            return {"anyOf": [{"$ref": node["$ref"]}, {"enum": [None]}]}
        return {key: _nullable_refs(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_nullable_refs(item) for item in node]
    return node


def response_validator(version: str, path: str, method: str, status: str) -> OAS30Validator:
    spec = load_spec(version)
    content = spec["paths"][path][method]["responses"][status]["content"]
    schema = content["application/json"]["schema"]
    # The components ride along in the root document so that "#/components/..." refs resolve.
    return OAS30Validator({**schema, "components": spec["components"]})


def schema_errors(validator: OAS30Validator, body: Any, limit: int = 5) -> list[str]:
    errors = []
    for error in validator.iter_errors(body):
        location = "/".join(str(part) for part in error.absolute_path)
        errors.append(f"{location}: {error.message[:200]}")
        if len(errors) >= limit:
            break
    return errors
