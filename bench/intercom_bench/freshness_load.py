"""Changes at a steady rate in the fake, each followed by its signed notification, and a watcher
that notes when each change reaches its row.

A change sets the object's `updated_at` to the current second (and a value: a contact's `seats`,
a company's `monthly_spend`, a conversation's `read`); its row is fresh once its `updated_at` is at
least that second. Objects are changed in turn from a pool large enough that no object changes
twice within the same second, so `updated_at` tells each change apart.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import psycopg2
from intercom_sandbox.fake import FakeIntercom
from intercom_sandbox.fake.webhooks import WebhookSender
from psycopg2 import sql

# kind → (table, key column, topic of its notification)
KINDS = {
    "contact": ("intercom_users", "contact_id", "contact.user.updated"),
    "company": ("intercom_companies", "company_id", "company.updated"),
    "conversation": ("intercom_conversations", "conversation_id", "conversation.read"),
}
POLL_SECONDS = 0.05
SENDERS = 8


@dataclass
class Change:
    kind: str
    object_id: str
    updated_at: int
    changed_at: float = 0.0  # time.time() of the change in the fake
    answered_in: float | None = None  # seconds the receiver took to answer its notification
    seen_at: float | None = None  # when the watcher found the row fresh

    @property
    def freshness(self) -> float | None:
        return None if self.seen_at is None else self.seen_at - self.changed_at


def object_pool(fake: FakeIntercom, seed: int = 7) -> list[tuple[str, str]]:
    ws = fake.workspace
    pool = [("contact", c) for c in ws.contacts]
    pool += [("company", c) for c in ws.companies]
    pool += [("conversation", c) for c in ws.conversations]
    random.Random(seed).shuffle(pool)
    return pool


class Load:
    def __init__(self, fake: FakeIntercom, url: str, secret: str, database_url: str) -> None:
        self._fake = fake
        self.database_url = database_url
        self._sender = WebhookSender(url, secret, retry_delay_seconds=1.0)
        self._pool = itertools.cycle(object_pool(fake))
        self._numbers = itertools.count(1)

    def run(self, rate: float, seconds: float, watcher: Watcher) -> list[Change]:
        """`rate` changes a second for `seconds`, each watched from the moment it is made;
        returns them once they were all sent."""
        count = int(rate * seconds)
        changes: list[Change] = []
        start = time.monotonic()
        with ThreadPoolExecutor(SENDERS, thread_name_prefix="bench-sender") as pool:
            for index in range(count):
                delay = start + index / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                kind, object_id = next(self._pool)
                change = Change(kind, object_id, 0)
                changes.append(change)
                watcher.watch([change])
                pool.submit(self._change_and_notify, change)
        return changes

    def _change_and_notify(self, change: Change) -> None:
        ws, value = self._fake.workspace, next(self._numbers)
        with ws.lock:
            now = time.time()
            change.updated_at = int(now)
            change.changed_at = now  # last: the watcher looks only at changes that have it
            if change.kind == "contact":
                contact = ws.contacts[change.object_id]
                contact["custom_attributes"]["seats"] = value
                contact["updated_at"] = change.updated_at
            elif change.kind == "company":
                company = ws.companies[change.object_id]
                company["monthly_spend"] = value
                company["updated_at"] = change.updated_at
            else:
                record = ws.conversations[change.object_id]
                record.read = True
                record.updated_at = change.updated_at
        item = {"type": change.kind, "id": change.object_id, "updated_at": change.updated_at}
        body = self._notification(KINDS[change.kind][2], item)
        sent = time.monotonic()
        if self._sender.post(json.dumps(body).encode()):
            change.answered_in = time.monotonic() - sent

    def _notification(self, topic: str, item: dict[str, Any]) -> dict[str, Any]:
        now = int(time.time())
        return {
            "type": "notification_event",
            "app_id": "bench",
            "id": f"notif_bench_{next(self._numbers)}",
            "topic": topic,
            "created_at": now,
            "first_sent_at": now,
            "delivery_attempts": 1,
            "data": {"type": "notification_event_data", "item": item},
        }


class Watcher:
    """Polls the tables every 50 ms and stamps each change when its row is fresh."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._pending: list[Change] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-watcher", daemon=True)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def watch(self, changes: list[Change]) -> None:
        with self._lock:
            self._pending.extend(changes)

    def wait(self, timeout: float) -> int:
        """Wait until every watched change is fresh or `timeout` passes; the number left."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return 0
            time.sleep(POLL_SECONDS)
        with self._lock:
            return len(self._pending)

    def _loop(self) -> None:
        with closing(psycopg2.connect(self._database_url)) as conn:
            conn.autocommit = True
            while not self._stop.is_set():
                self._poll(conn)
                time.sleep(POLL_SECONDS)

    def _poll(self, conn: Any) -> None:
        with self._lock:
            pending = [c for c in self._pending if c.changed_at]
        if not pending:
            return
        now = time.time()
        fresh: set[int] = set()
        for kind, (table, key, _) in KINDS.items():
            wanted = [c for c in pending if c.kind == kind]
            if not wanted:
                continue
            stored = _updated_at(conn, table, key, sorted({c.object_id for c in wanted}))
            fresh |= {id(c) for c in wanted if stored.get(c.object_id, 0) >= c.updated_at}
        with self._lock:
            for change in self._pending:
                if id(change) in fresh:
                    change.seen_at = now
            self._pending = [c for c in self._pending if c.seen_at is None]


def _updated_at(conn: Any, table: str, key: str, ids: list[str]) -> dict[str, float]:
    query = sql.SQL(
        "SELECT {key}, extract(epoch FROM updated_at) FROM {table} WHERE {key} = ANY(%s)"
    )
    with conn.cursor() as cur:
        cur.execute(query.format(key=sql.Identifier(key), table=sql.Identifier(table)), (ids,))
        return {row[0]: float(row[1]) for row in cur.fetchall() if row[1] is not None}
