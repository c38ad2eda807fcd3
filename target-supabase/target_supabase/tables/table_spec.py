"""What a table should look like: its columns, key, indexes, from a stream's shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from psycopg2 import sql

from target_supabase.settings import LoadSettings
from target_supabase.tables.column_types import sql_type
from target_supabase.tables.names import column_names, fit_identifier, table_name

SYNCED_AT = "_synced_at"
# Rows the target inserts get their `_synced_at` from this default, and rows it updates from the
# merge itself: the triggers (ddl.py) then have nothing to do for them.
SYNCED_AT_DEFAULT = "DEFAULT now()"
# Streams read whole that send ACTIVATE_VERSION (versions.py): the version that last wrote a row,
# and when a newer version no longer had it. The names of the Meltano SDK and target-postgres.
VERSION_COLUMN = "_sdc_table_version"
DELETED_AT_COLUMN = "_sdc_deleted_at"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool = False
    extra: str = ""  # DEFAULT, IDENTITY or UNIQUE clause of the target's own tables


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
    # Read whole every run, with ACTIVATE_VERSION: the catalog's `forced-replication-method`
    # FULL_TABLE (a SCHEMA message cannot say it: its table gets the columns at the activation).
    versioned: bool = False

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
            versioned=root.get("forced-replication-method") == "FULL_TABLE",
        )


def version_columns(hard_delete: bool) -> list[Column]:
    """The columns of a versioned stream's table (no deletion mark with `hard_delete`)."""
    columns = [Column(VERSION_COLUMN, "bigint")]
    if not hard_delete:
        columns.append(Column(DELETED_AT_COLUMN, "timestamptz"))
    return columns


def stream_table_spec(shape: StreamShape, settings: LoadSettings) -> TableSpec:
    """The table a stream loads into."""
    properties: Mapping[str, Any] = shape.schema.get("properties") or {}
    keys = set(shape.key_properties)
    names = column_names(shape.name, properties)
    columns = [
        Column(names[name], sql_type(prop), not_null=name in keys)
        for name, prop in properties.items()
    ]
    if shape.versioned:
        columns += version_columns(settings.hard_delete)
    present = {column.name for column in columns}
    for extra in settings.soft_delete_columns(shape.name):
        if fit_identifier(extra) not in present:
            columns.append(Column(fit_identifier(extra), "timestamptz"))
    if SYNCED_AT not in present:
        columns.append(Column(SYNCED_AT, "timestamptz", extra=SYNCED_AT_DEFAULT))
    # Append-only keeps every version of a row: no primary key to conflict on.
    keyed = settings.load_method != "append-only"
    primary_key = tuple(fit_identifier(key) for key in shape.key_properties if keyed)
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
