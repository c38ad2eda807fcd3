"""`load_method: overwrite`: a stream's rows are staged, and replace its table in one transaction
only once the stream's data is known complete.

While the run goes, every batch is merged into a staging table beside the real one (an unlogged
table, row level security on, the privileges of every table the target creates: none for `anon`
and `authenticated`). At the end of the input:

- a stream whose data arrived complete (see `OverwritePlan.complete`) replaces its table: one
  transaction deletes the old rows, copies the staged ones in and drops the staging table. DELETE,
  not TRUNCATE: TRUNCATE is not MVCC-safe ("the table will appear empty to concurrent
  transactions, if they are using a snapshot taken before the truncation occurred",
  https://www.postgresql.org/docs/15/sql-truncate.html), so a reader could see an empty table;
  with DELETE, a reader sees the old rows until the commit, then the new ones. Grants, policies
  and triggers on the table stay, as the table does.
- any other stream (a date range, one conversation, an incremental run, an interrupted tap) is
  merged into its table by key like `upsert`: nothing is removed.

The target prints no state while rows wait in a staging table: a state covers rows that are in the
real tables only. A run that fails leaves the staging table behind; the next run drops it first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import psycopg2.extensions
from psycopg2 import sql

from target_supabase.db.catalog import existing_columns
from target_supabase.db.connection import Database
from target_supabase.db.ddl import evolve_statements, lock_schema_changes, privileges_statement
from target_supabase.db.loader import TableLoad, merge_statement
from target_supabase.settings import LoadSettings
from target_supabase.sync_log import SyncMarker
from target_supabase.tables.names import fit_identifier
from target_supabase.tables.table_spec import SYNCED_AT, SYNCED_AT_DEFAULT, Column, TableSpec

STAGE_PREFIX = "_stage_"


def stage_name(table: str) -> str:
    """The staging table of `table` (reserved: no stream may load into such a name)."""
    return fit_identifier(STAGE_PREFIX + table)


@dataclass
class StagedTable:
    """One table being overwritten in this run."""

    stream: str
    real: TableSpec
    stage: TableSpec
    columns: list[str]
    column_types: Mapping[str, str]
    replication_column: str | None = None


@dataclass
class OverwritePlan:
    """The tables staged in this run, and what decides whether each is replaced."""

    staged: dict[str, StagedTable] = field(default_factory=dict)
    versioned_streams: set[str] = field(default_factory=set)
    streams_with_rows: set[str] = field(default_factory=set)

    def complete(self, stream: str, marker: SyncMarker) -> bool:
        """The stream's data arrived complete. From tap-intercom: the run's last STATE says
        `complete`, and the run was a full sync or the stream sent ACTIVATE_VERSION (the tap
        sends it only for streams it reads whole). From a tap without the `sync` marker: the
        input ended (the only end a Singer stream has) after the stream's records, or after
        its ACTIVATE_VERSION (a stream that sent only its SCHEMA says nothing). A stream the
        tap skipped (a missing permission...) is never complete, whatever it sent before."""
        if stream in marker.skipped_streams:
            return False
        if marker.seen:
            whole = marker.sync_type == "full" or stream in self.versioned_streams
            return marker.complete and whole
        return stream in self.streams_with_rows or stream in self.versioned_streams

    def stage(
        self,
        db: Database,
        settings: LoadSettings,
        stream: str,
        real: TableSpec,
        types: Mapping[str, str],
        replication_column: str | None,
    ) -> sql.Identifier:
        """The staging table for `real` (created on the run's first use); return its name."""
        first_in_run = real.name not in self.staged
        what = f"preparing the staging table of {real.name}"
        with db.transaction(settings.statement_timeout_seconds, what=what) as cur:
            lock_schema_changes(cur, settings)
            stage = prepare_stage(cur, settings, real, types, first_in_run)
        self.staged[real.name] = StagedTable(
            stream, real, stage, list(types), dict(types), replication_column
        )
        return stage.ident


def prepare_stage(
    cur: psycopg2.extensions.cursor,
    settings: LoadSettings,
    real: TableSpec,
    types: Mapping[str, str],
    first_in_run: bool,
) -> TableSpec:
    """Create (on the run's first use: afresh) or extend the staging table of `real`, whose
    columns and types are `types`; return its spec."""
    stage = TableSpec(
        real.schema,
        stage_name(real.name),
        tuple(
            Column(name, kind, extra=SYNCED_AT_DEFAULT if name == SYNCED_AT else "")
            for name, kind in types.items()
        ),
        real.primary_key,
        rls=True,
        synced_at=False,
    )
    if first_in_run:
        cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage.ident))
        cur.execute(
            sql.SQL("CREATE UNLOGGED TABLE {} (LIKE {} INCLUDING DEFAULTS)").format(
                stage.ident, real.ident
            )
        )
        if stage.primary_key:
            keys = sql.SQL(", ").join(map(sql.Identifier, stage.primary_key))
            cur.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY ({})").format(stage.ident, keys))
        # Never readable through Supabase's Data API, whatever the schema's default privileges:
        # the privileges of every table the target creates (nothing for anon and
        # authenticated, SELECT for `grant_select_to`), nothing for PUBLIC, RLS on.
        cur.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(stage.ident))
        cur.execute(sql.SQL("REVOKE ALL ON {} FROM PUBLIC").format(stage.ident))
        cur.execute(privileges_statement(stage, settings))
        return stage
    statements, _ = evolve_statements(stage, existing_columns(cur, stage) or {})
    for statement in statements:
        cur.execute(statement)
    return stage


def publish(cur: psycopg2.extensions.cursor, table: StagedTable, replace: bool) -> int:
    """Move the staged rows into the real table (replacing its rows, or merged by key), drop
    the staging table; return the number of rows staged."""
    names = sql.SQL(", ").join(map(sql.Identifier, table.columns))
    if replace:
        cur.execute(sql.SQL("DELETE FROM {}").format(table.real.ident))
        cur.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
                table.real.ident, names, names, table.stage.ident
            )
        )
    else:
        merge = TableLoad(
            table=table.real.ident,
            columns=table.columns,
            primary_key=table.real.primary_key,
            replication_column=table.replication_column,
            column_types=table.column_types,
        )
        cur.execute(merge_statement(merge, source=table.stage.ident))
    rows = int(cur.rowcount)
    cur.execute(sql.SQL("DROP TABLE {}").format(table.stage.ident))
    return rows
