"""Issue 17, change topics: mutation in the fake → signed notification → receiver → targeted
fetch of the whole object through the tap → row updated in PostgreSQL."""

from __future__ import annotations

import datetime
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from typing import Any

import psycopg2
import pytest
from intercom_sandbox.fake.webhooks import WebhookSender
from intercom_webhooks.fetcher import FetchSettings

from e2e.receiver import SECRET, Receiver
from e2e.scenario import SMALL_WORKSPACE, Scenario
from e2e.tables import fetch_rows

# A window longer than a test's burst takes to send: the whole burst is one batch.
ONE_BATCH = FetchSettings(window_seconds=4.0, max_objects=500)


def _synced(scenario_factory: Callable[..., Scenario], fetches: FetchSettings | None) -> Any:
    scenario = scenario_factory(seed=29, **SMALL_WORKSPACE)
    scenario.run_ok()
    receiver = Receiver(scenario) if fetches is None else Receiver(scenario, fetches)
    receiver.start()
    sender = WebhookSender(receiver.url, SECRET, retry_delay_seconds=0.05)
    scenario.fake.workspace.listeners.append(sender)
    return scenario, receiver, sender


@pytest.fixture
def synced(
    scenario_factory: Callable[..., Scenario],
) -> Iterator[tuple[Scenario, Receiver, WebhookSender]]:
    scenario, receiver, sender = _synced(scenario_factory, None)
    try:
        yield scenario, receiver, sender
    finally:
        receiver.stop()


def events(scenario: Scenario) -> list[dict[str, Any]]:
    columns = ["id", "event_id", "topic", "object_id", "processed_at", "outcome"]
    return fetch_rows(scenario.database_url, "intercom_webhook_events", columns)


def contact_row(scenario: Scenario, contact_id: str) -> dict[str, Any]:
    columns = ["contact_id", "updated_at", "custom_attributes", "deleted_at", "_synced_at"]
    rows = fetch_rows(scenario.database_url, "intercom_users", columns)
    return next(row for row in rows if row["contact_id"] == contact_id)


def beyond_untagging(scenario: Scenario, untagged: Iterable[str]) -> list[str]:
    """How the tables differ from the truth, but for conversations that lost a tag: Intercom has
    no topic for that (2.16 lists `conversation_part.tag.created` only), so no notification.
    A deleted conversation's `deleted_at` is the notification's `created_at`, which the fake
    stamps when it sends it: up to a second after the deletion's own time."""
    problems = scenario.differences()
    return [
        p
        for p in problems
        if not any(repr(cid) in p for cid in untagged) and not _within_a_second(p)
    ]


_DELETED_AT = re.compile(
    r"deleted_at: expected (datetime\.datetime\(.*?\)), got (datetime\.datetime\(.*?\))$"
)


def _within_a_second(problem: str) -> bool:
    found = _DELETED_AT.search(problem)
    if found is None:
        return False
    names = {"datetime": datetime}  # the reprs of our own comparison
    expected, got = (eval(text, names) for text in found.groups())
    return abs((got - expected).total_seconds()) <= 1


def test_changes_reach_their_rows_through_webhooks_alone(
    synced: tuple[Scenario, Receiver, WebhookSender],
) -> None:
    scenario, receiver, sender = synced
    summary = scenario.fake.workspace.mutate(seed=2)
    assert scenario.differences(), "the mutation should leave the tables behind"
    receiver.settle()

    assert not sender.failed
    # Replies (with their new parts), new conversations, tags, contacts, companies, a ticket's
    # state, a deleted conversation: the tables equal Intercom's truth, without a sync; but for
    # a tag removed from a conversation, which no topic notifies.
    assert beyond_untagging(scenario, summary.untagged_conversations) == []
    stored = events(scenario)
    assert len(stored) == len(sender.sent)
    assert all(e["processed_at"] for e in stored)
    fetched = [e for e in stored if e["outcome"].startswith("fetched: run ")]
    assert {e["object_id"] for e in fetched} >= {
        *summary.updated_conversations,
        *summary.updated_contacts,
        *summary.updated_tickets,
        *summary.updated_companies,
    }
    runs = [r for r in scenario.sync_log() if r["sync_type"] in ("objects", "conversations")]
    assert runs
    assert {r["status"] for r in runs} == {"success"}
    scenario.run_ok()  # the scheduled sync stays the source of truth
    assert scenario.differences() == []


def test_a_burst_is_fetched_once_per_object_and_applied_once_each(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario, receiver, sender = _synced(scenario_factory, ONE_BATCH)
    try:
        ws, stats = scenario.fake.workspace, scenario.fake.stats
        before = stats.requests_by_path.copy()
        changed, untagged = set(), set()
        for seed in (3, 4, 5):  # the same contacts and conversations change more than once
            summary = ws.mutate(seed=seed)
            changed |= set(summary.updated_contacts)
            untagged |= set(summary.untagged_conversations)
        for notification in list(sender.sent):  # and Intercom's retries: the same ids again
            assert sender.post(json.dumps(notification).encode())
        receiver.settle()
    finally:
        receiver.stop()

    stored = events(scenario)
    assert len(stored) == len(sender.sent) == len({e["event_id"] for e in stored})
    assert all(e["processed_at"] for e in stored)
    changes = [e for e in stored if not e["topic"].endswith(".deleted")]
    assert all(e["outcome"].startswith("fetched: ") for e in changes)
    assert len({e["outcome"] for e in changes if e["outcome"].startswith("fetched: run ")}) == 1
    assert {c: stats.requests_by_path[f"/contacts/{c}"] - before[c] for c in changed} == {
        c: 1 for c in changed
    }
    assert beyond_untagging(scenario, untagged) == []


def test_an_event_older_than_the_row_does_not_overwrite_it(
    synced: tuple[Scenario, Receiver, WebhookSender],
) -> None:
    scenario, receiver, sender = synced
    contact_id = sorted(scenario.fake.workspace.contacts)[4]
    row = contact_row(scenario, contact_id)
    stored_at = int(row["updated_at"].timestamp())
    requests_before = scenario.fake.stats.requests_by_path[f"/contacts/{contact_id}"]
    # A late retry of a notification about an earlier version of the contact.
    sender(
        "contact.user.updated", {"type": "contact", "id": contact_id, "updated_at": stored_at - 60}
    )
    receiver.settle()

    (event,) = events(scenario)
    assert event["outcome"].startswith("skipped: the stored row is newer")
    assert event["processed_at"] is not None
    assert contact_row(scenario, contact_id) == row
    assert scenario.fake.stats.requests_by_path[f"/contacts/{contact_id}"] == requests_before


def test_events_of_one_object_apply_in_order(
    synced: tuple[Scenario, Receiver, WebhookSender],
) -> None:
    scenario, receiver, sender = synced
    ws = scenario.fake.workspace
    contact_id = sorted(c for c, v in ws.contacts.items() if v["role"] == "user")[3]
    # Changed, then deleted before the change's fetch ran: the row ends deleted, not revived.
    sender(
        "contact.user.updated",
        {"type": "contact", "id": contact_id, "updated_at": int(time.time())},
    )
    ws.remove("contact.deleted", contact_id)
    receiver.settle()

    assert contact_row(scenario, contact_id)["deleted_at"] is not None
    outcomes = {e["topic"]: e["outcome"] for e in events(scenario)}
    assert outcomes["contact.deleted"] == "marked deleted: 1 row(s)"
    assert outcomes["contact.user.updated"] == "fetched: gone from Intercom, row left as it was"


def test_a_batch_leaves_the_scheduled_runs_row_running(
    synced: tuple[Scenario, Receiver, WebhookSender],
) -> None:
    scenario, receiver, sender = synced
    with closing(psycopg2.connect(scenario.database_url)) as conn, conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO intercom_sync_logs (status, sync_type) VALUES ('running', 'incremental') "
            "RETURNING id"
        )
        (scheduled,) = cur.fetchone()
    contact_id = sorted(scenario.fake.workspace.contacts)[6]
    sender("contact.user.updated", {"type": "contact", "id": contact_id})
    receiver.settle()

    log = {row["id"]: row for row in scenario.sync_log()}
    assert log[scheduled]["status"] == "running"
    assert log[scheduled]["error_message"] is None
    assert [r["status"] for r in log.values() if r["sync_type"] == "objects"] == ["success"]
