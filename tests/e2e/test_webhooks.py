"""Webhooks: mutation in the fake → signed notification → receiver → rows."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from intercom_sandbox.fake.webhooks import WebhookSender

from e2e.receiver import SECRET, Receiver
from e2e.scenario import SMALL_WORKSPACE, Scenario
from e2e.tables import fetch_rows


@pytest.fixture
def synced(scenario_factory: Callable[..., Scenario]) -> Iterator[tuple[Scenario, Receiver]]:
    scenario = scenario_factory(seed=23, **SMALL_WORKSPACE)
    scenario.run_ok()
    receiver = Receiver(scenario)
    receiver.start()
    try:
        yield scenario, receiver
    finally:
        receiver.stop()


def events(scenario: Scenario) -> list[dict[str, Any]]:
    columns = ["event_id", "topic", "processed_at", "outcome"]
    return fetch_rows(scenario.database_url, "intercom_webhook_events", columns)


def users(scenario: Scenario) -> dict[str, dict[str, Any]]:
    columns = ["contact_id", "deleted_at", "merged_into_id"]
    rows = fetch_rows(scenario.database_url, "intercom_users", columns)
    return {row["contact_id"]: row for row in rows}


def test_removals_are_marked_through_signed_webhooks(synced: tuple[Scenario, Receiver]) -> None:
    scenario, receiver = synced
    sender = WebhookSender(receiver.url, SECRET, retry_delay_seconds=0.05)
    ws = scenario.fake.workspace
    ws.listeners.append(sender)
    user_ids = sorted(c for c, v in ws.contacts.items() if v["role"] == "user")
    lead = sorted(c for c, v in ws.contacts.items() if v["role"] == "lead")[0]
    conversation = sorted(ws.conversations)[0]
    company = sorted(ws.companies)[0]
    ws.remove("contact.deleted", user_ids[1])
    ws.remove("contact.archived", user_ids[2])
    ws.remove("contact.merged", lead, into=user_ids[0])
    ws.remove("company.deleted", company)
    ws.remove("conversation.deleted", conversation)
    receiver.settle()

    assert not sender.failed
    rows = users(scenario)
    assert rows[user_ids[1]]["deleted_at"] is not None
    assert rows[user_ids[2]]["deleted_at"] is not None
    assert rows[lead]["deleted_at"] is not None
    assert rows[lead]["merged_into_id"] == user_ids[0]
    assert rows[user_ids[0]]["deleted_at"] is None
    columns = ["company_id", "deleted_at"]
    companies = fetch_rows(scenario.database_url, "intercom_companies", columns)
    assert {r["company_id"] for r in companies if r["deleted_at"]} == {company}
    convs = fetch_rows(
        scenario.database_url, "intercom_conversations", ["conversation_id", "deleted_at"]
    )
    assert {r["conversation_id"] for r in convs if r["deleted_at"]} == {conversation}
    stored = events(scenario)
    assert len(stored) == 5
    assert all(e["processed_at"] for e in stored)


def test_a_forged_signature_is_refused_and_nothing_stored(
    synced: tuple[Scenario, Receiver],
) -> None:
    scenario, receiver = synced
    forger = WebhookSender(receiver.url, "not-the-secret", retry_delay_seconds=0.01)
    contact = sorted(scenario.fake.workspace.contacts)[0]
    forger("contact.deleted", {"type": "contact", "id": contact})
    unsigned = requests.post(receiver.url, data=b'{"id":"notif_x","topic":"contact.deleted"}')
    receiver.settle()

    assert forger.failed
    assert unsigned.status_code == 401
    assert events(scenario) == []
    assert users(scenario)[contact]["deleted_at"] is None


def test_a_replayed_notification_is_stored_and_applied_once(
    synced: tuple[Scenario, Receiver],
) -> None:
    scenario, receiver = synced
    sender = WebhookSender(receiver.url, SECRET, retry_delay_seconds=0.01)
    contact = sorted(scenario.fake.workspace.contacts)[3]
    sender("contact.deleted", {"type": "contact", "id": contact})
    receiver.settle()
    first = users(scenario)[contact]["deleted_at"]
    replay = json.dumps(sender.sent[0]).encode()
    for _ in range(3):
        assert sender.post(replay)
    receiver.settle()

    assert len(events(scenario)) == 1
    assert users(scenario)[contact]["deleted_at"] == first


def test_ping_is_answered_and_a_huge_body_refused(synced: tuple[Scenario, Receiver]) -> None:
    scenario, receiver = synced
    sender = WebhookSender(receiver.url, SECRET, retry_delay_seconds=0.01)
    sender("ping", {"type": "ping", "message": "hello"})
    huge = WebhookSender(receiver.url, SECRET, retry_delay_seconds=0.01)
    huge("contact.user.updated", {"type": "contact", "id": "1", "pad": "x" * 100_000})

    assert sender.sent
    assert huge.failed
    assert events(scenario) == []


def test_a_burst_is_stored_and_applied_exactly_once_each(
    synced: tuple[Scenario, Receiver],
) -> None:
    scenario, receiver = synced
    sender = WebhookSender(receiver.url, SECRET, retry_delay_seconds=0.01)
    contacts = sorted(scenario.fake.workspace.contacts)
    threads = [
        threading.Thread(target=sender, args=("contact.user.updated", {"type": "contact", "id": c}))
        for c in contacts
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    receiver.settle()

    stored = events(scenario)
    assert len(stored) == len(contacts) == len({e["event_id"] for e in stored})
    assert all(e["processed_at"] for e in stored)
    assert all(e["outcome"].startswith("fetched: run ") for e in stored)


def test_a_lost_webhook_is_repaired_by_the_next_scheduled_run(
    synced: tuple[Scenario, Receiver],
) -> None:
    scenario, receiver = synced
    receiver.stop()  # the receiver is down: Intercom's one retry fails too, the event is lost
    lost = WebhookSender(receiver.url, SECRET, retry_delay_seconds=0.01)
    scenario.fake.workspace.listeners.append(lost)
    contact = sorted(scenario.fake.workspace.contacts)[5]
    scenario.fake.workspace.remove("contact.deleted", contact)
    assert lost.failed
    assert users(scenario)[contact]["deleted_at"] is None

    scenario.run_ok(tap={"deletion_check_interval_hours": 0})
    assert users(scenario)[contact]["deleted_at"] is not None
