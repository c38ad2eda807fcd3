"""What the database already holds: a table's columns and primary key."""

from __future__ import annotations

import re

import psycopg2.extensions
from psycopg2 import sql

from target_supabase.db.connection import Database
from target_supabase.db.ddl import (
    TRIGGER_NAME,
    UPDATE_TRIGGER_NAME,
    SchemaEvolutionError,
    TableExtras,
    create_table_statements,
    evolve_statements,
    lock_schema_changes,
    table_extras_statements,
)
from target_supabase.db.sqltext import render
from target_supabase.settings import LoadSettings
from target_supabase.tables.table_spec import SYNCED_AT, TableSpec

# format_type() spellings → the names of column_types.TYPE_TABLE, for comparing types.
_ALIASES = {
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamptz",
    "character varying": "text",
    "character": "text",
    "integer": "bigint",
    "smallint": "bigint",
    "double precision": "numeric",
    "real": "numeric",
    "character varying[]": "text[]",
}
_TYPMOD = re.compile(r"\([^)]*\)")


def normalize_type(format_type: str) -> str:
    plain = _TYPMOD.sub("", format_type)
    return _ALIASES.get(plain, plain)


def existing_columns(cur: psycopg2.extensions.cursor, spec: TableSpec) -> dict[str, str] | None:
    """Column → normalized type of the table, or None when it does not exist."""
    cur.execute("SELECT to_regclass(%s)::oid", (render(spec.ident),))
    row = cur.fetchone()
    if row is None or row[0] is None:
        return None
    cur.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        (row[0],),
    )
    return {name: normalize_type(kind) for name, kind in cur.fetchall()}


def existing_primary_key(cur: psycopg2.extensions.cursor, spec: TableSpec) -> tuple[str, ...]:
    cur.execute(
        "SELECT a.attname FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = to_regclass(%s) AND i.indisprimary "
        "ORDER BY array_position(i.indkey, a.attnum)",
        (render(spec.ident),),
    )
    return tuple(name for (name,) in cur.fetchall())


def ensure_table(db: Database, spec: TableSpec, settings: LoadSettings) -> dict[str, str]:
    """Create the table, or bring an existing one up to `spec`; return column → type."""
    what = f"preparing table {spec.schema}.{spec.name}"
    with db.transaction(settings.statement_timeout_seconds, what=what) as cur:
        lock_schema_changes(cur, settings)
        existing = existing_columns(cur, spec)
        if existing is None:
            statements = create_table_statements(spec, settings)
            final = spec.column_types()
        else:
            _check_primary_key(spec, existing_primary_key(cur, spec))
            statements, final = evolve_statements(spec, existing)
            statements += table_extras_statements(spec, settings, existing_extras(cur, spec))
        for statement in statements:
            cur.execute(statement)
    return final


def existing_extras(cur: psycopg2.extensions.cursor, spec: TableSpec) -> TableExtras:
    cur.execute(
        "SELECT c.relrowsecurity, "
        "ARRAY(SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "      WHERE x.indrelid = c.oid), "
        # Both triggers with their WHEN clause, and the column's default (older versions of
        # the target made one unconditional trigger and no default).
        "(SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgqual IS NOT NULL "
        "   AND t.tgname IN (%s, %s)) = 2 "
        "AND EXISTS (SELECT 1 FROM pg_attrdef d JOIN pg_attribute a "
        "   ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
        "   WHERE d.adrelid = c.oid AND a.attname = %s) "
        "FROM pg_class c WHERE c.oid = to_regclass(%s)",
        (TRIGGER_NAME, UPDATE_TRIGGER_NAME, SYNCED_AT, render(spec.ident)),
    )
    row = cur.fetchone()
    if row is None:
        return TableExtras()
    return TableExtras(indexes=frozenset(row[1]), synced_at_current=row[2], rls=row[0])


def _check_primary_key(spec: TableSpec, existing: tuple[str, ...]) -> None:
    if spec.primary_key and existing != spec.primary_key:
        msg = (
            f"Table {spec.schema}.{spec.name} has primary key ({', '.join(existing)}) but the "
            f"stream's key properties are ({', '.join(spec.primary_key)}): load it into another "
            "table (table_names) or change the table's primary key."
        )
        raise SchemaEvolutionError(msg)


def table_exists(cur: psycopg2.extensions.cursor, table: sql.Identifier) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (render(table),))
    row = cur.fetchone()
    return bool(row and row[0])
