"""One batch, one transaction: COPY into a temporary table, then merge into the real one
(streams without key, or append-only: COPY straight into the table).

Nothing here keeps session state between transactions: the staging table is created and dropped
(ON COMMIT DROP) inside the batch's transaction, as Supabase's transaction pooler requires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg2
import psycopg2.extensions
from psycopg2 import sql
from psycopg2.extras import execute_values

from target_supabase.db.refusals import load_isolating, refuses_a_row
from target_supabase.db.sqltext import render
from target_supabase.encoding import NUL, dump_json
from target_supabase.tables.column_types import TYPE_TABLE
from target_supabase.tables.table_spec import SYNCED_AT

STAGE = sql.Identifier("_target_supabase_stage")
REJECTED_SAVEPOINT = sql.Identifier("_target_supabase_rejected")
REJECTED_ROW = "(%s, %s, %s::jsonb, %s)"
EQUALITY_TYPES = set(TYPE_TABLE.values())
COPY_CHUNK_BYTES = 1 << 20


@dataclass
class TableLoad:
    """How one stream's rows go into its table."""

    table: sql.Identifier
    columns: Sequence[str]
    primary_key: Sequence[str] = ()
    replication_column: str | None = None
    upsert: bool = True
    column_types: Mapping[str, str] = field(default_factory=dict)

    def names(self, prefix: str | None = None) -> sql.Composable:
        return sql.SQL(", ").join(_column(name, prefix) for name in self.columns)


@dataclass
class Batch:
    """Encoded COPY lines (None where superseded) and rejected records (JSON, error)."""

    lines: list[str | None] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


class CopySource:
    """The batch's lines (without line ends) as the file `copy_expert` reads, one chunk at a
    time: no second copy of the whole batch in memory."""

    def __init__(self, lines: Sequence[str | None]) -> None:
        self._lines = (line for line in lines if line is not None)

    def read(self, size: int = -1) -> bytes:
        parts: list[str] = []
        total = 0
        for line in self._lines:
            parts.append(line)
            total += len(line) + 1
            if 0 <= size <= total:
                break
        if not parts:
            return b""
        parts.append("")  # the last line's end
        return "\n".join(parts).encode()

    def readline(self, size: int = -1) -> bytes:
        line = next(self._lines, None)
        return b"" if line is None else (line + "\n").encode()


def load(
    cur: psycopg2.extensions.cursor,
    target: TableLoad,
    lines: Sequence[str | None],
    first: sql.Composable | None = None,
) -> None:
    """Write `lines` (already one per key when upserting) into the table; `first` is a
    statement sent ahead of the others (in the same round trip when there is a stage)."""
    data = CopySource(lines)
    if not (target.upsert and target.primary_key):
        if first is not None:
            cur.execute(first)
        copy = sql.SQL("COPY {} ({}) FROM STDIN").format(target.table, target.names())
        cur.copy_expert(copy, data, size=COPY_CHUNK_BYTES)
        return
    cur.execute(
        sql.SQL(
            "{}CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA"
        ).format(first or sql.SQL(""), STAGE, target.names(), target.table)
    )
    copy = sql.SQL("COPY {} ({}) FROM STDIN").format(STAGE, target.names())
    cur.copy_expert(copy, data, size=COPY_CHUNK_BYTES)
    # Dropped at once, so that the rows of a batch can be loaded again in parts (refusals.py).
    cur.execute(sql.SQL("{}; DROP TABLE {}").format(merge_statement(target), STAGE))


def load_setting_aside(
    cur: psycopg2.extensions.cursor, target: TableLoad, lines: Sequence[str | None]
) -> list[tuple[int, str]]:
    """`load`, leaving out the rows PostgreSQL refuses; returns their indexes and reasons."""
    rows = [index for index, line in enumerate(lines) if line is not None]

    def attempt(part: list[int], first: sql.Composable) -> None:
        load(cur, target, lines if part is rows else [lines[i] for i in part], first)

    return load_isolating(cur, attempt, rows)


def merge_statement(target: TableLoad, source: sql.Identifier = STAGE) -> sql.Composable:
    """Rows of `source` into the table: inserted, or merged by primary key when it has one."""
    insert = sql.SQL("INSERT INTO {} AS t ({}) SELECT {} FROM {}").format(
        target.table, target.names(), target.names(), source
    )
    if not target.primary_key:
        return insert
    keys = sql.SQL(", ").join(map(sql.Identifier, target.primary_key))
    return sql.SQL("{} ON CONFLICT ({}) {}").format(insert, keys, _on_conflict(target))


def _on_conflict(target: TableLoad) -> sql.Composable:
    updated = [name for name in target.columns if name not in target.primary_key]
    if not updated:
        return sql.SQL("DO NOTHING")
    assignments = [
        sql.SQL("{} = EXCLUDED.{}").format(sql.Identifier(name), sql.Identifier(name))
        for name in updated
    ]
    if SYNCED_AT in target.column_types and SYNCED_AT not in target.columns:
        # Set here rather than by the update trigger (see ddl.synced_at_statements).
        assignments.append(sql.SQL("{} = now()").format(sql.Identifier(SYNCED_AT)))
    # Unchanged rows are not rewritten: no dead tuple, no WAL, `_synced_at` keeps the time
    # of the last change.
    changed = sql.SQL("({}) IS DISTINCT FROM ({})").format(
        _comparable(target, updated, "t"), _comparable(target, updated, "excluded")
    )
    assigned = sql.SQL(", ").join(assignments)
    if not target.replication_column:
        return sql.SQL("DO UPDATE SET {} WHERE {}").format(assigned, changed)
    # A row is never overwritten by an older version of itself.
    rk = sql.Identifier(target.replication_column)
    newer = sql.SQL("(t.{rk} IS NULL OR EXCLUDED.{rk} >= t.{rk})").format(rk=rk)
    return sql.SQL("DO UPDATE SET {} WHERE {} AND {}").format(assigned, newer, changed)


def _comparable(target: TableLoad, names: Sequence[str], alias: str) -> sql.Composable:
    """The columns as a row, compared as text where the type has no equality (json)."""
    return sql.SQL(", ").join(
        sql.SQL("{}" if target.column_types.get(name) in EQUALITY_TYPES else "{}::text").format(
            sql.Identifier(alias, name)
        )
        for name in names
    )


def delete_children(
    cur: psycopg2.extensions.cursor,
    table: sql.Identifier,
    parent_columns: Sequence[str],
    parents: Sequence[dict[str, Any]],
) -> None:
    """Delete every row of `table` whose parent key is one of `parents` (column → value)."""
    if not parents:
        return
    match = sql.SQL(" AND ").join(
        sql.SQL("t.{c} = p.{c}").format(c=sql.Identifier(name)) for name in parent_columns
    )
    cur.execute(
        sql.SQL(
            "DELETE FROM {} AS t USING json_populate_recordset(NULL::{}, %s) AS p WHERE {}"
        ).format(table, table, match),
        (dump_json(list(parents)),),
    )


def soft_delete(
    cur: psycopg2.extensions.cursor,
    table: sql.Identifier,
    key_columns: Sequence[str],
    deleted_at_column: str,
    rows: Sequence[dict[str, Any]],
) -> int:
    """Set `deleted_at_column` on the rows of `table` matching `rows` by key; return how many."""
    if not rows:
        return 0
    match = sql.SQL(" AND ").join(
        sql.SQL("t.{c} = d.{c}").format(c=sql.Identifier(name)) for name in key_columns
    )
    column = sql.Identifier(deleted_at_column)
    cur.execute(
        sql.SQL(
            "UPDATE {} AS t SET {} = d.{} FROM json_populate_recordset(NULL::{}, %s) AS d "
            "WHERE {} AND t.{} IS DISTINCT FROM d.{}"
        ).format(table, column, column, table, match, column, column),
        (dump_json(list(rows)),),
    )
    return int(cur.rowcount)


def add_column(
    cur: psycopg2.extensions.cursor, table: sql.Identifier, column: str, sql_type: str
) -> None:
    """Add `column` unless it exists (no lock taken when it does)."""
    cur.execute(
        "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s "
        "AND NOT attisdropped",
        (render(table), column),
    )
    if cur.fetchone() is None:
        statement = sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}")
        cur.execute(statement.format(table, sql.Identifier(column), sql.SQL(sql_type)))


def insert_rejected(
    cur: psycopg2.extensions.cursor,
    table: sql.Identifier,
    sync_log_id: int | None,
    stream: str,
    rejected: Sequence[tuple[str, str]],
) -> None:
    """Store records that were set aside (record as JSON text, error). A record that `jsonb`
    cannot hold (a NUL in a key, a number beyond `numeric`, nesting too deep for PostgreSQL)
    is stored as a JSON string holding its JSON text: the table takes whatever it is given."""
    if not rejected:
        return
    insert = sql.SQL("INSERT INTO {} (sync_log_id, stream, record, error) VALUES %s").format(table)
    stream = visible_nuls(stream)
    rows = [(sync_log_id, stream, record, visible_nuls(error)) for record, error in rejected]
    cur.execute(sql.SQL("SAVEPOINT {}").format(REJECTED_SAVEPOINT))
    try:
        execute_values(cur, insert, rows, template=REJECTED_ROW)
    except psycopg2.Error as exc:
        if not refuses_a_row(exc):
            raise
        cur.execute(sql.SQL("ROLLBACK TO SAVEPOINT {}").format(REJECTED_SAVEPOINT))
        _insert_rejected_one_by_one(cur, insert, rows)


def _insert_rejected_one_by_one(
    cur: psycopg2.extensions.cursor, insert: sql.Composable, rows: list[tuple[Any, ...]]
) -> None:
    for sync_log_id, stream, record, error in rows:
        cur.execute(sql.SQL("SAVEPOINT {}").format(REJECTED_SAVEPOINT))
        try:
            execute_values(cur, insert, [(sync_log_id, stream, record, error)], REJECTED_ROW)
        except psycopg2.Error as exc:
            if not refuses_a_row(exc):
                raise
            cur.execute(sql.SQL("ROLLBACK TO SAVEPOINT {}").format(REJECTED_SAVEPOINT))
            as_text = (sync_log_id, stream, dump_json(record), error)
            execute_values(cur, insert, [as_text], REJECTED_ROW)


def visible_nuls(text: str) -> str:
    """`text` for a `text` column: NUL characters written as `\\x00`."""
    return text.replace(NUL, "\\x00") if NUL in text else text


def _column(name: str, prefix: str | None) -> sql.Composable:
    return sql.Identifier(prefix, name) if prefix else sql.Identifier(name)
