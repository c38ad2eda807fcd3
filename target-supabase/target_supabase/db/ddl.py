"""Tables, indexes, the `_synced_at` trigger and row level security, as SQL statements.

The same statements are printed (`render_schema_sql`) and executed by the target, so the schema a
user applies by hand is exactly the one the target creates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg2 import sql

from target_supabase.db.sqltext import quote_ident, render
from target_supabase.settings import API_ROLES, LoadSettings
from target_supabase.tables.column_types import can_store, widening_using
from target_supabase.tables.names import fit_identifier
from target_supabase.tables.support_tables import table_specs
from target_supabase.tables.table_spec import (
    SYNCED_AT,
    SYNCED_AT_DEFAULT,
    Column,
    StreamShape,
    TableSpec,
)

TRIGGER_NAME = "set_synced_at"
UPDATE_TRIGGER_NAME = "set_synced_at_on_update"


class SchemaEvolutionError(RuntimeError):
    """A column's type changed in a way that cannot be applied safely."""


def trigger_function(settings: LoadSettings) -> sql.Identifier:
    return sql.Identifier(settings.schema, fit_identifier(settings.table_prefix + "set_synced_at"))


# Key of the transaction-level advisory lock that serialises the target's schema changes per
# schema: two first runs at once would otherwise both create the trigger function or a table,
# and one fail with a unique violation on pg_proc or pg_type (CREATE ... IF NOT EXISTS and
# CREATE OR REPLACE are not safe against a concurrent creator). Released at commit, so it works
# through the transaction pooler.
_LOCK_NAMESPACE = "target-supabase schema changes"


def lock_schema_changes(cur: Any, settings: LoadSettings) -> None:
    """Wait until no other run of the target changes `settings.schema`, until commit."""
    cur.execute(
        "SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))",
        (_LOCK_NAMESPACE, settings.schema),
    )


def trigger_function_exists(cur: Any, settings: LoadSettings) -> bool:
    """Whether the `_synced_at` trigger function exists (another role may own it)."""
    function = render(trigger_function(settings)) + "()"
    cur.execute("SELECT to_regprocedure(%s) IS NOT NULL", (function,))
    row = cur.fetchone()
    return bool(row and row[0])


def preamble_statements(
    settings: LoadSettings, function_exists: bool = False
) -> list[sql.Composable]:
    """The schema, when missing, and the trigger function every table's `_synced_at` trigger
    calls, unless it exists."""
    statements = [_create_schema_if_missing(settings)]
    if function_exists:
        return statements
    # search_path pinned: Supabase's linter flags functions with a mutable search_path.
    return [
        *statements,
        sql.SQL(
            "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql "
            "SET search_path = '' AS $$ BEGIN NEW.{} := now(); RETURN NEW; END $$"
        ).format(trigger_function(settings), sql.Identifier(SYNCED_AT)),
    ]


def _create_schema_if_missing(settings: LoadSettings) -> sql.Composable:
    """`CREATE SCHEMA IF NOT EXISTS` needs the database's CREATE privilege even when the schema
    exists, which a least-privilege role (README "Security") lacks: the existence is checked
    first, in SQL, so that the printed schema (schemas/supabase.sql) runs for that role too. A
    schema created here is usable by the `grant_select_to` roles (they can read its tables)."""
    schema = sql.Identifier(settings.schema)
    usage = [
        _if_role_exists(role, sql.SQL("GRANT USAGE ON SCHEMA {} TO {}"), schema)
        for role in settings.grant_select_to
    ]
    return _do_block(
        [
            sql.SQL(f"IF to_regnamespace({_text(quote_ident(settings.schema))}) IS NULL THEN "),
            sql.SQL("CREATE SCHEMA {}; ").format(schema),
            *usage,
            sql.SQL("END IF;"),
        ]
    )


def missing_roles(cur: Any, settings: LoadSettings) -> list[str]:
    """The roles `privileges_statement` names that the database does not have."""
    roles = list(dict.fromkeys([*API_ROLES, *settings.grant_select_to]))
    cur.execute(
        "SELECT name FROM unnest(%s::text[]) WITH ORDINALITY AS r(name, n) "
        "WHERE to_regrole(quote_ident(name)) IS NULL ORDER BY n",
        (roles,),
    )
    return [name for (name,) in cur.fetchall()]


def privileges_statement(spec: TableSpec, settings: LoadSettings) -> sql.Composable:
    """Explicit privileges on a table the target creates: none for Supabase's API roles `anon`
    and `authenticated` (whatever the database's default privileges gave them), SELECT for the
    `grant_select_to` roles. Roles the database lacks (plain PostgreSQL) are skipped."""
    revokes = [
        _if_role_exists(role, sql.SQL("REVOKE ALL ON TABLE {} FROM {}"), spec.ident)
        for role in API_ROLES
    ]
    grants = [
        _if_role_exists(role, sql.SQL("GRANT SELECT ON TABLE {} TO {}"), spec.ident)
        for role in settings.grant_select_to
    ]
    return _do_block([*revokes, *grants])


def _if_role_exists(role: str, statement: sql.SQL, target: sql.Identifier) -> sql.Composable:
    return sql.Composed(
        [
            sql.SQL(f"IF to_regrole({_text(quote_ident(role))}) IS NOT NULL THEN "),
            statement.format(target, sql.Identifier(role)),
            sql.SQL("; END IF; "),
        ]
    )


def _text(value: str) -> str:
    """A string literal written out (not sql.Literal), so that the SQL renders without a
    connection."""
    return "'" + value.replace("'", "''") + "'"


def _do_block(body: list[sql.Composable]) -> sql.Composable:
    """An anonymous code block whose dollar-quote tag appears nowhere in its body (a table or
    role name may hold any text)."""
    text = render(sql.Composed(body))
    tag = "$do$"
    while tag in text:
        tag = tag[:-1] + "_$"
    return sql.Composed([sql.SQL(f"DO {tag} BEGIN "), *body, sql.SQL(f" END {tag}")])


def create_table_statements(spec: TableSpec, settings: LoadSettings) -> list[sql.Composable]:
    """CREATE TABLE and everything that goes with it; each statement is idempotent."""
    parts = [_column_definition(column) for column in spec.columns]
    if spec.primary_key:
        keys = sql.SQL(", ").join(map(sql.Identifier, spec.primary_key))
        parts.append(sql.SQL("PRIMARY KEY ({})").format(keys))
    create = sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(
        spec.ident, sql.SQL(", ").join(parts)
    )
    return [create, privileges_statement(spec, settings), *table_extras_statements(spec, settings)]


@dataclass(frozen=True)
class TableExtras:
    """What an existing table already has, so that no lock is taken for nothing."""

    indexes: frozenset[str] = frozenset()
    # The `_synced_at` default and both triggers, in their current form.
    synced_at_current: bool = False
    rls: bool = False


def index_name(spec: TableSpec, column: str) -> str:
    return fit_identifier(f"{spec.name}_{column}_idx")


def table_extras_statements(
    spec: TableSpec, settings: LoadSettings, present: TableExtras | None = None
) -> list[sql.Composable]:
    """Indexes, the `_synced_at` triggers and RLS of a table, less what is `present` (None for
    a table created by the statements before these)."""
    upgrading = present is not None
    present = present or TableExtras()
    statements: list[sql.Composable] = [
        sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} ({})").format(
            sql.Identifier(index_name(spec, column)), spec.ident, sql.Identifier(column)
        )
        for column in spec.indexes
        if index_name(spec, column) not in present.indexes
    ]
    if spec.synced_at and not present.synced_at_current:
        statements += synced_at_statements(spec, settings, upgrade=upgrading)
    if spec.rls and not present.rls:
        # Supabase's linter: rls_disabled_in_public. No policies: anon/authenticated see nothing.
        statements.append(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(spec.ident))
    return statements


def synced_at_statements(
    spec: TableSpec, settings: LoadSettings, upgrade: bool
) -> list[sql.Composable]:
    """`_synced_at` is kept current for every writer: the target's own rows get it from the
    column default (inserts) and the merge (updates); other inserts and updates that leave it
    unset or unchanged get it from the triggers. The WHEN clauses keep PL/pgSQL out of the
    target's loads: a trigger call per row cost about 8 us, a third of an insert's server time
    (140,000 rows with three indexes: 3.6 s with the unconditional trigger, 2.4 s without)."""
    column, function = sql.Identifier(SYNCED_AT), trigger_function(settings)
    statements: list[sql.Composable] = []
    if upgrade:
        statements.append(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET {}").format(
                spec.ident, column, sql.SQL(SYNCED_AT_DEFAULT)
            )
        )
    statements += [
        sql.SQL(
            "CREATE OR REPLACE TRIGGER {} BEFORE INSERT ON {} FOR EACH ROW "
            "WHEN (NEW.{} IS NULL) EXECUTE FUNCTION {}()"
        ).format(sql.Identifier(TRIGGER_NAME), spec.ident, column, function),
        sql.SQL(
            "CREATE OR REPLACE TRIGGER {} BEFORE UPDATE ON {} FOR EACH ROW "
            "WHEN (NEW.{} IS NOT DISTINCT FROM OLD.{}) EXECUTE FUNCTION {}()"
        ).format(sql.Identifier(UPDATE_TRIGGER_NAME), spec.ident, column, column, function),
    ]
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
                    spec.ident,
                    _column_definition(Column(column.name, column.type, extra=column.extra)),
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
    not_null = " NOT NULL" if column.not_null else ""
    extra = f" {column.extra}" if column.extra else ""
    return sql.SQL("{} {}").format(
        sql.Identifier(column.name), sql.SQL(column.type + extra + not_null)
    )


def schema_statements(
    shapes: Sequence[StreamShape], settings: LoadSettings
) -> list[sql.Composable]:
    statements = preamble_statements(settings)
    for spec in table_specs(shapes, settings):
        statements += create_table_statements(spec, settings)
    return statements
