"""Auth and Intercom-Version behaviour."""

from __future__ import annotations

import pytest
import requests

from fake.api import Api, error_codes

SMALL = {"seed": 3, "conversations": 6, "contacts": 8, "tickets": 3, "companies": 3}


def test_missing_or_wrong_token_gets_the_documented_401(fake_intercom) -> None:
    fake = fake_intercom(token="right-token", **SMALL)
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "right-token"}):
        response = requests.get(f"{fake.url}/me", headers=headers, timeout=10)
        body = response.json()
        assert response.status_code == 401
        assert body["errors"] == [{"code": "unauthorized", "message": "Access Token Invalid"}]
        assert body["request_id"]
        assert "X-RateLimit-Limit" not in response.headers
        assert "right-token" not in response.text


def test_me_identifies_the_admin_and_app(fake_intercom) -> None:
    fake = fake_intercom(timezone="Europe/Berlin", **SMALL)
    me = Api(fake).get("/me").json()
    assert me["type"] == "admin"
    assert me["app"]["timezone"] == "Europe/Berlin"


def test_no_version_header_means_2_16(fake_intercom) -> None:
    fake = fake_intercom(**SMALL)
    conversation = Api(fake, version=None).get("/conversations").json()["conversations"][0]
    assert conversation["priority"] in {"none", "low", "medium", "high", "urgent"}


@pytest.mark.parametrize("version", ["2.13", "3.0", "banana"])
def test_unsupported_version_is_refused(fake_intercom, version: str) -> None:
    fake = fake_intercom(**SMALL)
    response = Api(fake, version=version).get("/admins")
    assert response.status_code == 400
    assert error_codes(response) == ["intercom_version_invalid"]


def _conversations(fake, version: str) -> list[dict]:
    return Api(fake, version).get("/conversations", per_page=150).json()["conversations"]


def test_conversation_priority_and_unassigned_ids_differ_by_version(fake_intercom) -> None:
    fake = fake_intercom(seed=5, conversations=40, contacts=10)
    for version in ("2.14", "2.15"):
        conversations = _conversations(fake, version)
        assert {c["priority"] for c in conversations} == {"priority", "not_priority"}
        assert None in {c["admin_assignee_id"] for c in conversations}
        assert 0 not in {c["admin_assignee_id"] for c in conversations}
        assert "sales_agent" not in conversations[0]
    assert "company" not in _conversations(fake, "2.14")[0]
    assert "company" in _conversations(fake, "2.15")[0]
    latest = _conversations(fake, "2.16")
    assert {c["priority"] for c in latest} <= {"none", "low", "medium", "high", "urgent"}
    assert 0 in {c["admin_assignee_id"] for c in latest}
    assert None not in {c["team_assignee_id"] for c in latest}


def test_contact_owner_and_ticket_assignee_types_differ_by_version(fake_intercom) -> None:
    fake = fake_intercom(seed=5, contacts=30, tickets=6)
    query = {"field": "created_at", "operator": ">", "value": 0}
    for version, owner_type, assignee_type in (("2.14", int, str), ("2.16", str, int)):
        api = Api(fake, version)
        owners = [c["owner_id"] for c in api.get("/contacts", per_page=150).json()["data"]]
        assert {type(owner) for owner in owners if owner is not None} == {owner_type}
        tickets = api.search("/tickets/search", query)["tickets"]
        assert {type(t["admin_assignee_id"]) for t in tickets} == {assignee_type}


def test_deleted_conversations_exist_only_in_2_16(fake_intercom) -> None:
    fake = fake_intercom(**SMALL)
    for version in ("2.14", "2.15"):
        response = Api(fake, version).get("/conversations/deleted")
        # The listDeletedConversationIds "Resource not available" example (spec L13600-13614).
        assert response.status_code == 400
        assert error_codes(response) == ["intercom_version_invalid"]
    assert Api(fake, "2.16").get("/conversations/deleted").status_code == 200


def test_conversation_data_attributes_are_gone_in_2_16(fake_intercom) -> None:
    fake = fake_intercom(**SMALL)
    response = Api(fake, "2.16").get("/data_attributes", model="conversation")
    assert response.status_code == 422
    assert error_codes(response) == ["parameter_invalid"]
    assert "GET /conversations/attributes" in response.json()["errors"][0]["message"]
    old = Api(fake, "2.15").get("/data_attributes", model="conversation").json()["data"]
    assert {attribute["model"] for attribute in old} == {"conversation"}
    unfiltered = Api(fake, "2.16").get("/data_attributes").json()["data"]
    assert {attribute["model"] for attribute in unfiltered} == {"contact", "company"}


def test_data_attributes_cover_every_custom_type(fake_intercom) -> None:
    fake = fake_intercom(**SMALL)
    attributes = Api(fake).get("/data_attributes", model="contact").json()["data"]
    custom = {a["data_type"] for a in attributes if a["custom"]}
    assert custom == {"string", "integer", "float", "boolean", "date"}


def test_unknown_path_is_404(fake_intercom) -> None:
    fake = fake_intercom(**SMALL)
    response = Api(fake).get("/nothing/here")
    assert response.status_code == 404
    assert error_codes(response) == ["not_found"]
