"""`denied_resources`: a token without a resource's permission, answered as Intercom answers it
(401 `token_unauthorized` on that resource only: intercom/intercom-php#189,
airbytehq/airbyte#64110)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

from fake.api import Api

SMALL = {"seed": 3, "conversations": 4, "contacts": 4, "tickets": 3, "companies": 2}


def assert_token_unauthorized(response: requests.Response) -> None:
    body = response.json()
    assert response.status_code == 401
    assert body["type"] == "error.list"
    assert body["request_id"]
    assert body["errors"] == [
        {"code": "token_unauthorized", "message": "Not authorized to access resource"}
    ]
    # The token itself is valid: the answer carries the rate-limit headers like any other.
    assert "X-RateLimit-Limit" in response.headers


def test_a_denied_resource_answers_401_on_every_endpoint_of_it(fake_intercom) -> None:
    fake = fake_intercom(denied_resources=("tickets",), **SMALL)
    api = Api(fake)
    ticket_id = next(iter(fake.truth().tickets))

    assert_token_unauthorized(api.post("/tickets/search", {"query": {}}))
    assert_token_unauthorized(api.get(f"/tickets/{ticket_id}"))
    assert api.get("/me").status_code == 200
    assert api.get("/conversations").status_code == 200
    assert api.get("/admins").status_code == 200


def test_permissions_can_change_between_runs(fake_intercom) -> None:
    fake = fake_intercom(denied_resources=("segments",), **SMALL)
    api = Api(fake)
    assert_token_unauthorized(api.get("/segments"))

    fake.deny("admins")

    assert api.get("/segments").status_code == 200
    assert_token_unauthorized(api.get("/admins"))


def test_unknown_or_undeniable_resources_are_refused() -> None:
    for resource in ("me", "ticket"):
        with pytest.raises(ValueError, match="cannot deny"):
            FakeIntercom(WorkspaceSpec(**SMALL), denied_resources=(resource,))


def test_the_cli_denies_resources() -> None:
    command = [sys.executable, "-m", "intercom_sandbox.cli", "fake", "--port", "0",
               "--conversations", "2", "--contacts", "2", "--token", "cli-token",
               "--deny", "tickets", "--deny", "tags"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        headers = {"Authorization": "Bearer cli-token"}
        assert_token_unauthorized(requests.get(f"{url}/tags", headers=headers, timeout=10))
        assert requests.get(f"{url}/teams", headers=headers, timeout=10).status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=10)
