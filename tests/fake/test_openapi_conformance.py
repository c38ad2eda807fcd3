"""The fake's responses validate against the official OpenAPI response schemas, per version."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

from fake.api import EVERYTHING, UPDATED_ASC, Api
from fake.openapi import SPEC_DIR, response_validator, schema_errors

Call = Callable[[Api, dict[str, Any]], requests.Response]
SEARCH_PAGE = {"sort": UPDATED_ASC, "pagination": {"per_page": 150}}

# (spec path, method, what to request); `ids` holds ids picked from the fake's truth.
CASES: list[tuple[str, str, Call]] = [
    ("/me", "get", lambda api, ids: api.get("/me")),
    ("/admins", "get", lambda api, ids: api.get("/admins")),
    ("/admins", "get", lambda api, ids: api.get("/admins", display_avatar="true")),
    ("/tags", "get", lambda api, ids: api.get("/tags")),
    ("/teams", "get", lambda api, ids: api.get("/teams")),
    ("/segments", "get", lambda api, ids: api.get("/segments", include_count="true")),
    ("/data_attributes", "get", lambda api, ids: api.get("/data_attributes", model="contact")),
    ("/data_attributes", "get", lambda api, ids: api.get("/data_attributes", model="company")),
    ("/contacts", "get", lambda api, ids: api.get("/contacts", per_page=150)),
    ("/contacts/search", "post",
     lambda api, ids: api.post("/contacts/search", {"query": EVERYTHING, **SEARCH_PAGE})),
    ("/conversations", "get", lambda api, ids: api.get("/conversations", per_page=150)),
    ("/conversations/search", "post",
     lambda api, ids: api.post("/conversations/search", {"query": EVERYTHING, **SEARCH_PAGE})),
    ("/conversations/{conversation_id}", "get",
     lambda api, ids: api.get(f"/conversations/{ids['huge']}")),
    ("/conversations/{conversation_id}", "get",
     lambda api, ids: api.get(f"/conversations/{ids['conversation']}", display_as="plaintext")),
    ("/contacts/{contact_id}/tags", "get",
     lambda api, ids: api.get(f"/contacts/{ids['linked_contact']}/tags")),
    ("/contacts/{contact_id}/companies", "get",
     lambda api, ids: api.get(f"/contacts/{ids['linked_contact']}/companies", per_page=3)),
    ("/contacts/{contact_id}/notes", "get",
     lambda api, ids: api.get(f"/contacts/{ids['linked_contact']}/notes", page=2)),
    ("/contacts/{contact_id}", "get",
     lambda api, ids: api.get(f"/contacts/{ids['linked_contact']}")),
    ("/companies/scroll", "get", lambda api, ids: api.get("/companies/scroll")),
    ("/companies/{company_id}", "get", lambda api, ids: api.get(f"/companies/{ids['company']}")),
    ("/tickets/search", "post",
     lambda api, ids: api.post("/tickets/search", {"query": EVERYTHING, **SEARCH_PAGE})),
    ("/tickets/{ticket_id}", "get", lambda api, ids: api.get(f"/tickets/{ids['ticket']}")),
]  # fmt: skip
ONLY_2_16: list[tuple[str, str, Call]] = [
    ("/conversations/deleted", "get", lambda api, ids: api.get("/conversations/deleted")),
]
BEFORE_2_16: list[tuple[str, str, Call]] = [
    ("/data_attributes", "get",
     lambda api, ids: api.get("/data_attributes", model="conversation")),
]  # fmt: skip
ERRORS: list[tuple[str, str, str, Call]] = [
    ("/conversations/{conversation_id}", "get", "404",
     lambda api, ids: api.get("/conversations/1")),
    ("/contacts/{contact_id}/tags", "get", "404",
     lambda api, ids: api.get("/contacts/0000/tags")),
    ("/companies/{company_id}", "get", "404", lambda api, ids: api.get("/companies/0000")),
    ("/conversations/{conversation_id}", "get", "401",
     lambda api, ids: requests.get(f"{api.url}/conversations/1", timeout=10)),
]  # fmt: skip


@pytest.fixture
def fake() -> Any:
    spec = WorkspaceSpec(seed=21, conversations=40, contacts=40, companies=8, tickets=6,
                         huge_conversations=1, tags=6, fully_linked_contacts=1)  # fmt: skip
    with FakeIntercom(spec) as started:
        started.workspace.mutate(seed=1)  # so that a conversation has been deleted
        yield started


def _ids(fake: FakeIntercom) -> dict[str, str]:
    truth = fake.truth()
    counts = {
        cid: c["statistics"]["count_conversation_parts"] for cid, c in truth.conversations.items()
    }
    return {
        "huge": max(counts, key=lambda cid: counts[cid]),
        "conversation": min(counts, key=lambda cid: abs(counts[cid] - 8)),
        "ticket": next(iter(truth.tickets)),
        "company": next(iter(truth.companies)),
        "linked_contact": max(
            truth.contacts, key=lambda cid: truth.contacts[cid]["companies"]["total_count"]
        ),
    }


@pytest.mark.parametrize("version", ["2.14", "2.15", "2.16"])
def test_responses_match_the_spec(fake: FakeIntercom, version: str) -> None:
    api, ids = Api(fake, version), _ids(fake)
    cases = CASES + (ONLY_2_16 if version == "2.16" else BEFORE_2_16)
    failures = []
    for path, method, call in cases:
        response = call(api, ids)
        assert response.status_code == 200, (path, response.text)
        errors = schema_errors(response_validator(version, path, method, "200"), response.json())
        failures += [f"{version} {method.upper()} {path}: {error}" for error in errors]
    for path, method, status, call in ERRORS:
        response = call(api, ids)
        assert str(response.status_code) == status
        errors = schema_errors(response_validator(version, path, method, status), response.json())
        failures += [f"{version} {method.upper()} {path} {status}: {error}" for error in errors]
    assert not failures, "\n".join(failures)


def test_the_validator_does_catch_a_wrong_shape(fake: FakeIntercom) -> None:
    body = Api(fake).get(f"/tickets/{_ids(fake)['ticket']}").json()
    body["admin_assignee_id"] = str(body["admin_assignee_id"])  # the 2.14 type, not 2.16's
    validator = response_validator("2.16", "/tickets/{ticket_id}", "get", "200")
    assert schema_errors(validator, body)


def test_spec_files_are_the_upstream_ones() -> None:
    """The specs in tests/fake/specs are the unmodified upstream files their README lists."""
    readme = (SPEC_DIR / "README.md").read_text()
    listed = dict(
        re.findall(r"^\| `([\d.]+)/api\.intercom\.io\.yaml` .*`([0-9a-f]{64})` \|$", readme, re.M)
    )
    assert sorted(listed) == ["2.14", "2.15", "2.16"]
    for version, digest in listed.items():
        data = (SPEC_DIR / version / "api.intercom.io.yaml").read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, version
