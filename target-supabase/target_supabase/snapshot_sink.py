"""Applies complete id snapshots (the tap's deletion check, tap_intercom/snapshots.py).

Ids go into the `id_snapshots` table as they arrive (batch by batch, so memory stays flat however
many contacts there are). The snapshot's closing record (`complete: true`, `live_count`) makes the
comparison happen, once the target stream's own rows of this run are committed: rows of the table
that the snapshot does not hold are marked (reconcile.py). Without the closing record (the tap's
listing failed, the run was cut) or when the count of ids stored differs from `live_count`, nothing
is marked and a warning says so.
"""

from __future__ import annotations

from typing import Any

from psycopg2 import sql
from psycopg2.extras import execute_values

from target_supabase.db.catalog import table_exists
from target_supabase.db.loader import add_column
from target_supabase.db.reconcile import (
    MERGED_INTO,
    Marked,
    Reconciliation,
    forget,
    live_count,
    reconcile,
)
from target_supabase.db.sqltext import render
from target_supabase.sink import SoftDeleteSink
from target_supabase.tables.names import fit_identifier, support_table_name


class SnapshotSink(SoftDeleteSink):
    """Drained after the table sinks (as every SoftDeleteSink is): the rows it judges are in."""

    def setup(self) -> None:
        super().setup()
        prefix = self.settings.table_prefix
        self.snapshots = self.run.table_ident(support_table_name("id_snapshots", prefix))
        self._ids: list[tuple[str, str, str, str | None]] = []
        self._closing: dict[str, Any] | None = None
        self._open: str | None = None  # a snapshot whose ids arrived but not its end
        self._merges = False

    def accept(self, record: dict) -> None:
        snapshot_id = str(record["snapshot_id"])
        if record.get("complete"):
            self._closing = record
            return
        self._open = snapshot_id
        merged = record.get("merged_into_id")
        self._merges = self._merges or merged is not None
        self._ids.append((snapshot_id, self.stream_name, str(record["object_id"]), merged))

    def flush(self) -> None:
        self.run.drain_stream(self.spec.target_stream)
        ids, closing = self._ids, self._closing
        self._ids, self._closing = [], None
        timeout = self.settings.statement_timeout_seconds
        with self.run.db.transaction(timeout, what=f"checking {self.table} for deletions") as cur:
            if ids:
                insert = "INSERT INTO {} (snapshot_id, stream, object_id, merged_into_id) VALUES %s"
                execute_values(cur, sql.SQL(insert).format(self.snapshots), ids)
            if closing is not None:
                self._apply(cur, closing)
            self._insert_rejected(cur, self.batch.rejected)
        totals = self.run.sync_log.totals
        totals.add(self.stream_name, self.batch_records, len(self.batch.rejected), 0)
        self._start_next_batch()

    def _apply(self, cur: Any, closing: dict[str, Any]) -> None:
        snapshot_id = str(closing["snapshot_id"])
        self._open = None
        table = self.run.table_ident(self.table)
        stored = live_count(cur, self.snapshots, snapshot_id)
        if stored != closing.get("live_count"):
            self.logger.warning(
                "%s: snapshot %s holds %d live ids but the tap listed %s: nothing marked",
                self.stream_name,
                snapshot_id,
                stored,
                closing.get("live_count"),
            )
        elif not table_exists(cur, table):
            self.logger.info("%s: no table %s yet: nothing to mark", self.stream_name, self.table)
        else:
            self._mark_absent(cur, table, snapshot_id, closing.get("listed_from"))
            staged = self.run.overwrites.staged.get(self.table)
            if staged is not None:  # `overwrite`: the rows that will replace (or merge into) it
                self._reconcile(cur, staged.stage.ident, snapshot_id, closing.get("listed_from"))
        forget(cur, self.snapshots, self.stream_name)
        self._merges = False

    def _mark_absent(self, cur: Any, table: Any, snapshot_id: str, listed_from: str | None) -> None:
        marked = self._reconcile(cur, table, snapshot_id, listed_from)
        self.run.sync_log.totals.marked_deleted[self.table] += marked.total
        self.logger.info(
            "Deletion check of %s: %d rows marked deleted (%d absent from Intercom, %d merged "
            "into another contact), %d marked earlier are live again",
            self.table,
            marked.total,
            marked.absent,
            marked.merged,
            marked.revived,
        )

    def _reconcile(self, cur: Any, table: Any, snapshot_id: str, listed_from: str | None) -> Marked:
        add_column(cur, table, self.deleted_at_column, "timestamptz")
        if self._merges:
            add_column(cur, table, MERGED_INTO, "text")
        check = Reconciliation(
            table=table,
            key=self.key_columns[0],
            deleted_at=self.deleted_at_column,
            updated_at=self._updated_at_column(cur, table),
            snapshots=self.snapshots,
            snapshot_id=snapshot_id,
            listed_from=listed_from,
        )
        return reconcile(cur, check, self._merges)

    def _updated_at_column(self, cur: Any, table: Any) -> str | None:
        column = fit_identifier("updated_at")
        cur.execute(
            "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s "
            "AND NOT attisdropped",
            (render(table), column),
        )
        return column if cur.fetchone() else None

    def clean_up(self) -> None:
        if self._open is not None:
            self.logger.warning(
                "%s: snapshot %s did not end (the tap's listing stopped): nothing marked; the "
                "next complete snapshot checks again",
                self.stream_name,
                self._open,
            )
        super().clean_up()
