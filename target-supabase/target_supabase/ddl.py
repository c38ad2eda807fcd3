"""Tables, indexes, the `_synced_at` trigger and row level security, as SQL statements.

The same statements are printed (`render_schema_sql`) and executed by the target, so the schema a
user applies by hand is exactly the one the target creates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg2 import sql

from target_supabase.column_types import can_store, sql_type, widening_using
from target_supabase.names import fit_identifier, support_table_name, table_name
from target_supabase.settings import LoadSettings

SYNCED_AT = "_synced_at"
TRIGGER_NAME = "set_synced_at"


class SchemaEvolutionError(RuntimeError):
    """A column's type changed in a way that cannot be applied safely."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool = False


@dataclass(frozen=True)
class TableSpec:
    schema: str
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    rls: bool = True
    synced_at: bool = True

    @property
    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.name)

    def column_types(self) -> dict[str, str]:
        return {column.name: column.type for column in self.columns}


@dataclass(frozen=True)
class StreamShape:
    """What the target knows of a stream: from its SCHEMA message or its catalog entry."""

    name: str
    schema: Mapping[str, Any]
    key_properties: tuple[str, ...] = ()
    replication_key: str | None = None

    @classmethod
    def from_catalog_entry(cls, entry: Mapping[str, Any]) -> StreamShape:
        root: Mapping[str, Any] = next(
            (m.get("metadata", {}) for m in entry.get("metadata", []) if not m.get("breadcrumb")),
            {},
        )
        keys = entry.get("key_properties") or root.get("table-key-properties") or []
        replication_key = entry.get("replication_key") or root.get("replication-key")
        if not replication_key and len(root.get("valid-replication-keys") or []) == 1:
            replication_key = root["valid-replication-keys"][0]
        return cls(
            name=entry.get("stream") or entry["tap_stream_id"],
            schema=entry["schema"],
            key_properties=tuple(keys),
            replication_key=replication_key,
        )


def stream_table_spec(shape: StreamShape, settings: LoadSettings) -> TableSpec:
    """The table a stream loads into."""
    properties: Mapping[str, Any] = shape.schema.get("properties") or {}
    keys = set(shape.key_properties)
    columns = [
        Column(fit_identifier(name), sql_type(prop), not_null=name in keys)
        for name, prop in properties.items()
    ]
    present = {column.name for column in columns}
    for extra in settings.soft_delete_columns(shape.name):
        if fit_identifier(extra) not in present:
            columns.append(Column(fit_identifier(extra), "timestamptz"))
    if SYNCED_AT not in present:
        columns.append(Column(SYNCED_AT, "timestamptz"))
    primary_key = tuple(fit_identifier(key) for key in shape.key_properties)
    wanted = [shape.replication_key, *settings.index_columns]
    indexes = [
        fit_identifier(name)
        for name in dict.fromkeys(wanted)
        if name and name in properties and fit_identifier(name) not in primary_key[:1]
    ]
    return TableSpec(
        schema=settings.schema,
        name=table_name(shape.name, settings.table_prefix, settings.table_names),
        columns=tuple(columns),
        primary_key=primary_key,
        indexes=tuple(indexes),
        rls=settings.enable_rls,
    )


def support_table_specs(settings: LoadSettings) -> list[TableSpec]:
    """The target's own tables: sync logs, rejected records, webhook events."""

    def spec(kind: str, columns: list[Column], indexes: tuple[str, ...]) -> TableSpec:
        name = support_table_name(kind, settings.table_prefix)
        return TableSpec(settings.schema, name, (Column("id", "bigserial", True), *columns),
                         ("id",), indexes, settings.enable_rls, synced_at=False)  # fmt: skip

    return [
        spec("sync_logs", SYNC_LOG_COLUMNS, ("started_at",)),
        spec("rejected_records", REJECTED_COLUMNS, ("rejected_at",)),
        spec("webhook_events", WEBHOOK_COLUMNS, ("received_at",)),
    ]


SYNC_LOG_COLUMNS = [
    Column("run_id", "text"),
    Column("sync_type", "text DEFAULT 'unknown'", True),
    Column("status", "text", True),
    Column("started_at", "timestamptz DEFAULT now()", True),
    Column("completed_at", "timestamptz"),
    Column("conversations_synced", "bigint DEFAULT 0", True),
    Column("messages_synced", "bigint DEFAULT 0", True),
    Column("users_synced", "bigint DEFAULT 0", True),
    Column("records_by_stream", "jsonb DEFAULT '{}'::jsonb", True),
    Column("rejected_records", "bigint DEFAULT 0", True),
    Column("nul_characters_removed", "bigint DEFAULT 0", True),
    Column("error_message", "text"),
    Column("state", "jsonb"),
    Column("metadata", "jsonb DEFAULT '{}'::jsonb", True),
]
REJECTED_COLUMNS = [
    Column("sync_log_id", "bigint"),
    Column("stream", "text", True),
    Column("record", "jsonb"),
    Column("error", "text", True),
    Column("rejected_at", "timestamptz DEFAULT now()", True),
]
WEBHOOK_COLUMNS = [
    Column("event_id", "text UNIQUE"),
    Column("topic", "text"),
    Column("payload", "jsonb", True),
    Column("received_at", "timestamptz DEFAULT now()", True),
    Column("processed_at", "timestamptz"),
]


def trigger_function(settings: LoadSettings) -> sql.Identifier:
    return sql.Identifier(settings.schema, fit_identifier(settings.table_prefix + "set_synced_at"))


def preamble_statements(settings: LoadSettings) -> list[sql.Composable]:
    """The schema and the trigger function every table's `_synced_at` trigger calls."""
    # search_path pinned: Supabase's linter flags functions with a mutable search_path.
    return [
        sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(settings.schema)),
        sql.SQL(
            "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql "
            "SET search_path = '' AS $$ BEGIN NEW.{} := now(); RETURN NEW; END $$"
        ).format(trigger_function(settings), sql.Identifier(SYNCED_AT)),
    ]


def create_table_statements(spec: TableSpec, settings: LoadSettings) -> list[sql.Composable]:
    """CREATE TABLE and everything that goes with it; each statement is idempotent."""
    parts = [_column_definition(column) for column in spec.columns]
    if spec.primary_key:
        keys = sql.SQL(", ").join(map(sql.Identifier, spec.primary_key))
        parts.append(sql.SQL("PRIMARY KEY ({})").format(keys))
    create = sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(
        spec.ident, sql.SQL(", ").join(parts)
    )
    return [create, *table_extras_statements(spec, settings)]


def table_extras_statements(spec: TableSpec, settings: LoadSettings) -> list[sql.Composable]:
    """Indexes, the `_synced_at` trigger and RLS of an existing table."""
    statements: list[sql.Composable] = [
        sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} ({})").format(
            sql.Identifier(fit_identifier(f"{spec.name}_{column}_idx")),
            spec.ident,
            sql.Identifier(column),
        )
        for column in spec.indexes
    ]
    if spec.synced_at:
        statements.append(
            sql.SQL(
                "CREATE OR REPLACE TRIGGER {} BEFORE INSERT OR UPDATE ON {} "
                "FOR EACH ROW EXECUTE FUNCTION {}()"
            ).format(sql.Identifier(TRIGGER_NAME), spec.ident, trigger_function(settings))
        )
    if spec.rls:
        # Supabase's linter: rls_disabled_in_public. No policies: anon/authenticated see nothing.
        statements.append(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(spec.ident))
    return statements


def evolve_statements(
    spec: TableSpec, existing: Mapping[str, str]
) -> tuple[list[sql.Composable], dict[str, str]]:
    """ALTER TABLE statements bringing an existing table (column → type) up to `spec`, and the
    column types after them. Columns are never dropped."""
    statements: list[sql.Composable] = []
    final = dict(existing)
    for column in spec.columns:
        current = existing.get(column.name)
        if current is None:
            statements.append(
                sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {}").format(
                    spec.ident, _column_definition(Column(column.name, column.type))
                )
            )
            final[column.name] = column.type
        elif not can_store(current, column.type):
            statements.append(_widen(spec, column, current))
            final[column.name] = column.type
    return statements, final


def _widen(spec: TableSpec, column: Column, current: str) -> sql.Composable:
    using = widening_using(current, column.type)
    if using is None:
        msg = (
            f"Cannot change column {column.name!r} of table {spec.schema}.{spec.name} "
            f"from {current} to {column.type}: the new type cannot hold the existing values. "
            f"Rename or drop the column (or the table) and load again."
        )
        raise SchemaEvolutionError(msg)
    column_ident = sql.Identifier(column.name)
    return sql.SQL("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {}").format(
        spec.ident,
        column_ident,
        sql.SQL(column.type),
        sql.SQL(using).format(col=column_ident),
    )


def _column_definition(column: Column) -> sql.Composable:
    not_null = sql.SQL(" NOT NULL") if column.not_null else sql.SQL("")
    return sql.SQL("{} {}{}").format(sql.Identifier(column.name), sql.SQL(column.type), not_null)


def schema_statements(
    shapes: Sequence[StreamShape], settings: LoadSettings
) -> list[sql.Composable]:
    statements = preamble_statements(settings)
    for spec in support_table_specs(settings):
        statements += create_table_statements(spec, settings)
    for shape in shapes:
        if shape.name not in settings.soft_deletes:
            statements += create_table_statements(stream_table_spec(shape, settings), settings)
    return statements
