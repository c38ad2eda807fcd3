"""Supabase's rules: RLS on every table, no password in any output."""

from __future__ import annotations

import contextlib

import psycopg2
import psycopg2.errors
import pytest

from target.intercom_messages import CONVERSATIONS, TAGS, conversation, tag
from target.support import run_in_process, run_process, tables


def count_as(url: str, role: str, table: str) -> int:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(f"SET ROLE {role}")
        cur.execute(f'SELECT count(*) FROM "{table}"')
        row = cur.fetchone()
        return int(row[0]) if row else -1


def test_anon_and_authenticated_may_not_read_service_role_sees_all(
    target_config, database_url
) -> None:
    run_in_process(target_config, [CONVERSATIONS, TAGS, conversation("1", 1), tag("1", "a")])
    created = tables(database_url)
    assert {"intercom_conversations", "intercom_sync_logs", "intercom_rejected_records"} <= created
    for table in created:
        for role in ("anon", "authenticated"):
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                count_as(database_url, role, table)
    assert count_as(database_url, "service_role", "intercom_conversations") == 1
    assert count_as(database_url, "service_role", "intercom_sync_logs") == 1


def test_rls_can_be_turned_off(target_config, database_url) -> None:
    config = {**target_config, "enable_rls": False, "grant_select_to": ["anon"]}
    run_in_process(config, [CONVERSATIONS, conversation("1", 1)])
    assert count_as(database_url, "anon", "intercom_conversations") == 1


@pytest.mark.parametrize("how", ["database_url", "password"])
def test_a_wrong_password_is_never_printed(pg_server, database_url, tmp_path, how) -> None:
    wrong = "Wr0ng-Secret-Pa55"
    if how == "database_url":
        config = {"database_url": database_url.replace(pg_server.password, wrong)}
    else:
        config = {"host": "127.0.0.1", "port": pg_server.port, "user": "postgres"}
        config |= {"password": wrong, "database": database_url.rsplit("/", 1)[1]}
    done = run_process(config, [CONVERSATIONS, conversation("1", 1)], tmp_path)
    assert done.returncode != 0
    assert "password authentication failed" in done.stderr
    assert wrong not in done.stderr + done.stdout
    assert pg_server.password not in done.stderr + done.stdout
