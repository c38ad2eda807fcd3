"""A contact's tags, companies and notes past the 10 Intercom embeds, fetched from the list urls."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec
from tap_intercom import contact_lists
from tap_intercom.client import ClientSettings, IntercomClient
from tap_intercom.ratelimit import RateBudget
from taprun import TOKEN


@pytest.fixture
def fake(module_fake: Callable[..., FakeIntercom]) -> FakeIntercom:
    spec = WorkspaceSpec(seed=5, contacts=4, tags=14, companies=11, fully_linked_contacts=1)
    return module_fake(spec, token=TOKEN)


@pytest.fixture
def client(fake: FakeIntercom) -> Iterator[IntercomClient]:
    settings = ClientSettings(fake.url, TOKEN, "2.16", timeout=10, pool_size=2)
    client = IntercomClient(settings, RateBudget())
    yield client
    client.close()


def searched_contacts(client: IntercomClient) -> list[dict[str, Any]]:
    """The contacts as the search endpoint embeds their lists: 10 of each at most."""
    body = {"query": {"field": "updated_at", "operator": ">", "value": 0}}
    return list(client.post("/contacts/search", body)["data"])


def test_a_contact_with_more_than_10_gets_every_tag_and_company(
    fake: FakeIntercom, client: IntercomClient
) -> None:
    linked = next(c for c in searched_contacts(client) if c["tags"]["has_more"])
    assert len(linked["tags"]["data"]) == 10

    complete = contact_lists.complete(client, linked)

    truth = fake.truth().contacts[linked["id"]]
    assert complete["tags"] == truth["tags"]
    assert complete["companies"] == truth["companies"]
    assert len(complete["tags"]["data"]) == 14
    assert len(complete["companies"]["data"]) == 11


def test_a_contact_with_more_than_10_notes_gets_every_note_page_by_page(
    fake: FakeIntercom, client: IntercomClient
) -> None:
    linked = next(c for c in searched_contacts(client) if c["notes"]["has_more"])
    assert len(linked["notes"]["data"]) == 10
    notes_path = f"/contacts/{linked['id']}/notes"
    before = fake.stats.requests_by_path[notes_path]

    complete = contact_lists.complete(client, linked)

    truth = fake.truth().contacts[linked["id"]]["notes"]
    assert complete["notes"] == truth
    assert len(truth["data"]) == truth["total_count"] == 107
    assert complete["notes"]["has_more"] is False
    # 107 notes, 50 a page: three pages, each asked for once.
    assert fake.stats.requests_by_path[notes_path] - before == 3


def test_a_contact_without_more_is_left_as_embedded(client: IntercomClient) -> None:
    plain = next(c for c in searched_contacts(client) if not c["tags"]["has_more"])
    assert contact_lists.complete(client, plain) == plain


def test_a_contact_deleted_before_its_lists_are_read_keeps_the_embedded_ones(
    client: IntercomClient, caplog: pytest.LogCaptureFixture
) -> None:
    linked = next(c for c in searched_contacts(client) if c["tags"]["has_more"])
    gone = {**linked, "id": "0000deleted"}  # GET /contacts/0000deleted/tags answers 404

    with caplog.at_level(logging.WARNING):
        kept = contact_lists.complete(client, gone)

    assert kept == gone
    assert kept["tags"]["has_more"] is True  # still says that it is not the whole list
    assert "contact 0000deleted is gone; its tags stay as embedded" in caplog.text
