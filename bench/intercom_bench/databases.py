"""The benchmark's own PostgreSQL: one server, a fresh database for every measured run."""

from __future__ import annotations

import itertools
import os
from contextlib import AbstractContextManager, closing
from urllib.parse import unquote, urlsplit

import psycopg2
from intercom_sandbox.postgres import LocalPostgres, throwaway_postgres
from psycopg2 import sql

_numbers = itertools.count(1)


def bench_postgres() -> AbstractContextManager[LocalPostgres]:
    return throwaway_postgres("bench-pg-")


def fresh_database(server: LocalPostgres, label: str) -> str:
    """A new empty database (with Supabase's roles and grants); returns its URL."""
    return server.create_database(f"bench_{label}_{next(_numbers)}")


def libpq_env(database_url: str) -> dict[str, str]:
    """The environment for `psql`, so the password never sits on a command line."""
    parts = urlsplit(database_url)
    env = dict(os.environ)
    env.update(
        PGHOST=parts.hostname or "127.0.0.1",
        PGPORT=str(parts.port or 5432),
        PGUSER=unquote(parts.username or "postgres"),
        PGPASSWORD=unquote(parts.password or ""),
        PGDATABASE=unquote(parts.path.lstrip("/")),
    )
    return env


def row_counts(database_url: str, tables: dict[str, tuple[str, str]]) -> dict[str, int | None]:
    """Rows per stream in its (schema, table); None where the table does not exist."""
    counts: dict[str, int | None] = {}
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        for stream, (schema, table) in tables.items():
            cur.execute("SELECT to_regclass(%s)", (f'"{schema}"."{table}"',))
            row = cur.fetchone()
            if row is None or row[0] is None:
                counts[stream] = None
                continue
            query = sql.SQL("SELECT count(*) FROM {}.{}")
            cur.execute(query.format(sql.Identifier(schema), sql.Identifier(table)))
            found = cur.fetchone()
            counts[stream] = int(found[0]) if found else None
    return counts


def server_version(database_url: str) -> str:
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute("SHOW server_version")
        row = cur.fetchone()
    return str(row[0]) if row else "unknown"


def drop_database(server: LocalPostgres, database_url: str) -> None:
    name = unquote(urlsplit(database_url).path.lstrip("/"))
    with closing(server.connect("postgres")) as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
