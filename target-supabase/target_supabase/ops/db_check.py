"""The database half of "test connections": reachable, SSL, permission to create tables.

Each failure says what is wrong and how to fix it, with the Supabase-specific causes first; the
password never appears.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import closing
from typing import Any

import psycopg2
from psycopg2 import sql

from target_supabase.ops import database
from target_supabase.ops.results import CheckResult, fail, ok, warn

SUPABASE_TRANSACTION_POOLER_PORT = 6543
URL_HELP = (
    "set SUPABASE_DB_URL (or TARGET_SUPABASE_DATABASE_URL, or database_url in the config file) "
    "to the URL from the Supabase dashboard: Connect > Session pooler"
)
PERMISSION_PROBE_TABLE = "_target_supabase_permission_check"

# What libpq says, and what to do about it on Supabase.
# https://supabase.com/docs/guides/database/connecting-to-postgres
CONNECT_ERROR_HINTS = [
    (
        "password authentication failed",
        "the password is wrong: reset it in Supabase under Project Settings > Database and "
        "update the URL",
    ),
    (
        "tenant or user not found",
        "through Supabase's pooler the user is postgres.<project-ref>, as in the pooler URL "
        "shown under Connect",
    ),
    (
        "network is unreachable",
        "this machine has no IPv6 route, and Supabase's direct connection (db.<ref>.supabase.co) "
        "is IPv6-only: use the Session pooler URL instead",
    ),
    (
        "cannot assign requested address",
        "this machine has no IPv6 address, and Supabase's direct connection is IPv6-only: use "
        "the Session pooler URL instead",
    ),
    (
        "could not translate host name",
        "the host name does not resolve: check it for typos (copy the URL from Connect again)",
    ),
    (
        "connection refused",
        "nothing listens there: check host and port (5432 direct or session pooler, 6543 "
        "transaction pooler)",
    ),
    (
        "timeout expired",
        "no answer: a firewall may block the port, or the project may be paused (restore it in "
        "the dashboard)",
    ),
    (
        "does not exist",
        "the database or user does not exist: Supabase's database is called `postgres`",
    ),
    (
        "server does not support ssl",
        "the server has no TLS: for a local server set sslmode to disable (never for Supabase)",
    ),
    ("ssl", "the TLS handshake failed: check sslmode (require, verify-ca, verify-full)"),
]


def check_settings(config: Mapping[str, Any], errors: list[str]) -> list[CheckResult]:
    """The target's own validation errors; a missing connection explained first."""
    results = [fail("database settings", error) for error in errors]
    if not any(config.get(key) for key in ("database_url", "host")):
        results.insert(0, fail("database settings", f"no database configured: {URL_HELP}"))
    return results


def check_database(config: Mapping[str, Any]) -> list[CheckResult]:
    problems = check_settings(config, [])
    if problems:
        return problems
    try:
        conn = database.connect(config)
    except psycopg2.Error as error:
        return [fail("database reachable", explain_connect_error(config, error))]
    with closing(conn):
        return [
            describe_server(config, conn),
            check_ssl(config, conn),
            check_create_permission(config, conn),
            *check_pooler(config),
        ]


def explain_connect_error(config: Mapping[str, Any], error: psycopg2.Error) -> str:
    said = database.scrub(" ".join(str(error).split()), config)
    lowered = said.lower()
    hint = next((fix for needle, fix in CONNECT_ERROR_HINTS if needle in lowered), None)
    where = database.describe(config)
    return f"cannot connect as {where}: {said}" + (f" -> {hint}" if hint else "")


def describe_server(config: Mapping[str, Any], conn: psycopg2.extensions.connection) -> CheckResult:
    with conn.cursor() as cur:
        cur.execute("SELECT current_database(), current_setting('server_version')")
        name, version = cur.fetchone() or ("?", "?")
    conn.rollback()
    where = database.describe(config)
    return ok("database reachable", f"{where}, database {name!r}, PostgreSQL {version}")


def check_ssl(config: Mapping[str, Any], conn: psycopg2.extensions.connection) -> CheckResult:
    if conn.info.ssl_in_use:
        protocol = conn.info.ssl_attribute("protocol") or "TLS"
        return ok("database ssl", f"encrypted ({protocol})")
    if database.is_local(config):
        return ok("database ssl", "not used (a local server)")
    fix = "set sslmode to require: Supabase refuses unencrypted connections from outside"
    return fail("database ssl", f"the connection is NOT encrypted: {fix}")


def check_create_permission(
    config: Mapping[str, Any], conn: psycopg2.extensions.connection
) -> CheckResult:
    """Create a probe table in the target schema and roll it back: the only proof that counts."""
    schema = str(config.get("schema") or "public")
    probe = sql.SQL("CREATE TABLE {}.{} (id bigint)").format(
        sql.Identifier(schema), sql.Identifier(PERMISSION_PROBE_TABLE)
    )
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
            cur.execute(probe)
    except psycopg2.Error as error:
        said = database.scrub(" ".join(str(error).split()), config)
        user = database.user_name(config)
        fix = f"GRANT CREATE ON SCHEMA {schema} TO {user} (or connect as postgres)"
        return fail("database permissions", f"cannot create tables in {schema!r}: {said} -> {fix}")
    finally:
        conn.rollback()
    return ok("database permissions", f"may create tables in schema {schema!r}")


def check_pooler(config: Mapping[str, Any]) -> list[CheckResult]:
    port = database.host_and_port(config)[1]
    if port != SUPABASE_TRANSACTION_POOLER_PORT:
        return []
    message = (
        "port 6543 is Supabase's transaction pooler: supported; the session pooler (port 5432) "
        "suits long syncs better"
    )
    return [warn("database pooler", message)]
