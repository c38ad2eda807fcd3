"""The database side of the receiver: events stored once, deletions marked, fetches tracked.

Each call is one short transaction on its own pooled connection (Supabase's transaction pooler
works too: nothing is kept per session). The tables are the target's own (`webhook_events`) and
the synced ones (`intercom_conversations`, `intercom_users`, `intercom_companies`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg2.extensions
from psycopg2 import pool, sql
from target_supabase.db.catalog import ensure_table, table_exists
from target_supabase.db.connection import Database, connection_params
from target_supabase.db.ddl import preamble_statements, trigger_function_exists
from target_supabase.db.loader import add_column
from target_supabase.db.sqltext import render
from target_supabase.settings import LoadSettings
from target_supabase.tables.names import fit_identifier, support_table_name, table_name
from target_supabase.tables.support_tables import support_table_specs

from intercom_webhooks.events import Event

KEY_COLUMNS = {
    "conversations": "conversation_id",
    "contacts": "contact_id",
    "companies": "company_id",
    "tickets": "ticket_id",
}


class Store:
    def __init__(self, config: Mapping[str, Any], max_connections: int = 8) -> None:
        self.settings = LoadSettings.from_config(config)
        self._config = config
        self._pool = pool.ThreadedConnectionPool(1, max_connections, **connection_params(config))
        # psycopg2's pool raises when it is empty: a burst waits for a connection instead.
        self._slots = threading.BoundedSemaphore(max_connections)
        self.events = self.ident(support_table_name("webhook_events", self.settings.table_prefix))

    def ident(self, name: str) -> sql.Identifier:
        return sql.Identifier(self.settings.schema, name)

    def prepare(self) -> None:
        """The target's own tables, as a sync's start makes them."""
        db = Database(self._config)
        try:
            with db.transaction(what="creating the target's tables") as cur:
                exists = trigger_function_exists(cur, self.settings)
                for statement in preamble_statements(self.settings, exists):
                    cur.execute(statement)
            for spec in support_table_specs(self.settings):
                ensure_table(db, spec, self.settings)
        finally:
            db.close()

    def close(self) -> None:
        self._pool.closeall()

    @contextmanager
    def cursor(self) -> Iterator[psycopg2.extensions.cursor]:
        with self._slots:
            conn = self._pool.getconn()
            try:
                with conn, conn.cursor() as cur:
                    yield cur
            finally:
                self._pool.putconn(conn)

    def insert(self, event: Event, raw: bytes) -> bool:
        """Store the notification unless its id is stored already; True when it was new."""
        with self.cursor() as cur:
            cur.execute(
                sql.SQL(
                    "INSERT INTO {} (event_id, topic, payload, object_type, object_id, "
                    "notified_at) VALUES (%s, %s, %s::jsonb, %s, %s, to_timestamp(%s)) "
                    "ON CONFLICT (event_id) DO NOTHING"
                ).format(self.events),
                (
                    event.event_id,
                    event.topic,
                    raw.decode("utf-8"),
                    event.object_type,
                    event.object_id,
                    event.created_at,
                ),
            )
            return cur.rowcount == 1

    def pending(self, limit: int = 500) -> list[tuple[int, dict[str, Any]]]:
        """Events not applied yet, oldest notification first (the order per object); events
        waiting for their fetch (`queued: …`) are not pending."""
        with self.cursor() as cur:
            cur.execute(
                sql.SQL(
                    "SELECT id, payload FROM {} WHERE processed_at IS NULL AND outcome IS NULL "
                    "ORDER BY notified_at NULLS FIRST, id LIMIT %s"
                ).format(self.events),
                (limit,),
            )
            return [(row[0], row[1]) for row in cur.fetchall()]

    def done(self, event_ids: list[int], outcome: str) -> None:
        with self.cursor() as cur:
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET processed_at = now(), outcome = %s WHERE id = ANY(%s)"
                ).format(self.events),
                (outcome, event_ids),
            )

    def queue(self, event_ids: list[int], outcome: str) -> None:
        """The events wait for a fetch: `outcome` says so, `processed_at` stays empty."""
        with self.cursor() as cur:
            cur.execute(
                sql.SQL("UPDATE {} SET outcome = %s WHERE id = ANY(%s)").format(self.events),
                (outcome, event_ids),
            )

    def requeue_unfinished(self) -> int:
        """Events queued by a receiver that stopped before their fetch: pending again."""
        with self.cursor() as cur:
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET outcome = NULL WHERE processed_at IS NULL "
                    "AND outcome LIKE 'queued:%%'"
                ).format(self.events)
            )
            return int(cur.rowcount)

    def updated_at_of(self, stream: str, object_ids: list[str]) -> dict[str, float]:
        """The stored rows' `updated_at` (Unix seconds) by id; ids without a row are absent."""
        table = self._table(stream)
        with self.cursor() as cur:
            if not table_exists(cur, table):
                return {}
            cur.execute(
                sql.SQL(
                    "SELECT {key}, extract(epoch FROM updated_at) FROM {} "
                    "WHERE {key} = ANY(%s) AND updated_at IS NOT NULL"
                ).format(table, key=sql.Identifier(KEY_COLUMNS[stream])),
                (object_ids,),
            )
            return {str(row[0]): float(row[1]) for row in cur.fetchall()}

    def unmark_live(self, stream: str, object_ids: list[str], fetched_from: float) -> int:
        """Rows marked deleted before `fetched_from` whose object was just fetched live (a
        contact unarchived: `contact.unarchived`) are live again. A mark made after the fetch
        began (a deletion notified meanwhile) stays."""
        table = self._table(stream)
        with self.cursor() as cur:
            if not table_exists(cur, table):
                return 0
            add_column(cur, table, fit_identifier("deleted_at"), "timestamptz")
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET deleted_at = NULL WHERE {} = ANY(%s) "
                    "AND deleted_at < to_timestamp(%s)"
                ).format(table, sql.Identifier(KEY_COLUMNS[stream])),
                (object_ids, fetched_from),
            )
            return int(cur.rowcount)

    def _table(self, stream: str) -> sql.Identifier:
        prefix, names = self.settings.table_prefix, self.settings.table_names
        return self.ident(table_name(stream, prefix, names))

    def mark_deleted(
        self, stream: str, object_id: str, at: int | None, merged_into: str | None = None
    ) -> int:
        """Set `deleted_at` (the notification's time) on the object's row unless the row is
        newer than the notification or already marked; return the rows changed."""
        key = KEY_COLUMNS[stream]
        table = self._table(stream)
        with self.cursor() as cur:
            if not table_exists(cur, table):
                return 0
            add_column(cur, table, fit_identifier("deleted_at"), "timestamptz")
            merged = sql.SQL("")
            params: list[Any] = [at]
            if merged_into is not None:
                add_column(cur, table, "merged_into_id", "text")
                merged = sql.SQL(", merged_into_id = %s")
                params.append(merged_into)
            newer, newer_params = _not_newer(cur, table, at)
            cur.execute(
                sql.SQL(
                    "UPDATE {} SET deleted_at = coalesce(to_timestamp(%s), now()){} "
                    "WHERE {} = %s AND deleted_at IS NULL {}"
                ).format(table, merged, sql.Identifier(key), newer),
                [*params, object_id, *newer_params],
            )
            return int(cur.rowcount)


def _not_newer(
    cur: psycopg2.extensions.cursor, table: sql.Identifier, at: int | None
) -> tuple[sql.Composable, list[Any]]:
    """An event older than the row already stored never overwrites it."""
    if at is None:
        return sql.SQL(""), []
    cur.execute(
        "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = 'updated_at' "
        "AND NOT attisdropped",
        (render(table),),
    )
    if cur.fetchone() is None:
        return sql.SQL(""), []
    return sql.SQL("AND (updated_at IS NULL OR updated_at <= to_timestamp(%s))"), [at]
