"""The test database is a real PostgreSQL set up like a Supabase project."""

from __future__ import annotations

import psycopg2
import pytest
from db_helpers import fetch


def test_database_is_empty_and_real(database_url: str) -> None:
    tables = fetch(database_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == []
    assert fetch(database_url, "SHOW server_version_num")[0][0] >= "150000"


def test_supabase_roles_exist_with_their_rls_bypass(database_url: str) -> None:
    roles = dict(
        fetch(
            database_url,
            "SELECT rolname, rolbypassrls FROM pg_roles "
            "WHERE rolname IN ('anon', 'authenticated', 'service_role')",
        )
    )
    assert roles == {"anon": False, "authenticated": False, "service_role": True}


def test_anon_gets_table_privileges_by_default_as_on_supabase(database_url: str) -> None:
    """Without RLS, anon could read a new table: that is what RLS must prevent."""
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
        cur.execute("SET ROLE anon")
        cur.execute("SELECT count(*) FROM t")
        assert cur.fetchone() == (1,)


def test_wrong_password_is_refused(pg_server, database_url: str) -> None:
    wrong = database_url.replace(pg_server.password, "not-the-password")
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(wrong)


def test_pgbouncer_transaction_mode_reaches_the_same_database(pgbouncer, database_url: str) -> None:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE seen (x int); INSERT INTO seen VALUES (42)")
    pooled = pgbouncer.url_for(database_url)
    assert pooled != database_url
    assert fetch(pooled, "SELECT x FROM seen") == [(42,)]
    assert fetch(pooled, "SHOW port")[0][0] == str(pgbouncer.server.port)
