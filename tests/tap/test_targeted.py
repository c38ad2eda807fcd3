"""Runs of chosen contacts, companies and tickets (`contact_ids`, `company_ids`, `ticket_ids`):
one `GET /{kind}s/{id}` each, whole objects, gone ones skipped with a warning, no bookmark moved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec
from tap_truth import iso
from taprun import TOKEN, config_for, run_tap


@pytest.fixture(scope="module")
def workspace(module_fake: Callable[..., FakeIntercom]) -> FakeIntercom:
    spec = WorkspaceSpec(
        seed=31,
        conversations=6,
        contacts=20,
        companies=12,
        tags=13,
        tickets=4,
        fully_linked_contacts=1,
    )
    return module_fake(spec, token=TOKEN)


def test_chosen_objects_are_fetched_whole_and_alone(
    workspace: FakeIntercom, tmp_path: Path
) -> None:
    truth = workspace.workspace.truth()
    linked = next(c for c, v in truth.contacts.items() if len(v["tags"]["data"]) > 10)
    contacts = [linked, sorted(truth.contacts)[0]]
    companies, tickets = sorted(truth.companies)[:2], sorted(truth.tickets)[:1]
    before = workspace.stats.requests
    config = config_for(workspace, contact_ids=contacts, company_ids=companies, ticket_ids=tickets)

    output = run_tap(tmp_path, config)

    assert set(output.records) == {"contacts", "companies", "tickets"}
    by_id = {r["contact_id"]: r for r in output.records["contacts"]}
    assert set(by_id) == set(contacts)
    for contact_id in contacts:
        assert by_id[contact_id]["updated_at"] == iso(truth.contacts[contact_id]["updated_at"])
        # Every tag, beyond the 10 a contact embeds, as a scheduled sync stores it.
        assert by_id[contact_id]["tags"] == truth.contacts[contact_id]["tags"]
    assert [r["company_id"] for r in output.records["companies"]] == companies
    assert [r["ticket_id"] for r in output.records["tickets"]] == tickets
    assert output.states[-1]["sync"]["type"] == "objects"
    # The whole lists (admins, tags...) are not read: no version may retire their rows.
    assert not [m for m in output.messages if m["type"] == "ACTIVATE_VERSION"]
    bookmarks = output.states[-1]["bookmarks"]
    assert not any("replication_key_value" in b for b in bookmarks.values())
    # No search, no scroll, no listing: the objects and the linked contact's extra lists only.
    paths = workspace.stats.requests_by_path
    assert not [p for p in paths if "search" in p or "scroll" in p]
    assert workspace.stats.requests - before < 12


def test_gone_objects_are_skipped_with_a_warning(workspace: FakeIntercom, tmp_path: Path) -> None:
    ws = workspace.workspace
    users = sorted(c for c, v in ws.contacts.items() if v["role"] == "user")
    lead = sorted(c for c, v in ws.contacts.items() if v["role"] == "lead")[0]
    deleted, kept = users[1], users[2]
    company = sorted(ws.companies)[-1]
    ws.remove("contact.deleted", deleted)
    ws.remove("contact.merged", lead, into=users[0])
    ws.remove("company.deleted", company)
    config = config_for(workspace, contact_ids=[deleted, lead, kept], company_ids=[company])

    output = run_tap(tmp_path, config)

    assert [r["contact_id"] for r in output.records["contacts"]] == [kept]
    assert "companies" not in output.records
    assert f"Contact {deleted} is gone (HTTP 404); skipped" in output.stderr
    assert f"Contact {lead} is gone (HTTP 410" in output.stderr
    assert f"Company {company} is gone (HTTP 404); skipped" in output.stderr
    assert output.states[-1]["sync"]["complete"] is True
