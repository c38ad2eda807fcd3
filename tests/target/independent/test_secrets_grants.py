"""Secrets on every error path, and the privileges of the tables the target creates."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg2
import psycopg2.errors
import pytest

from target.support import TARGET_BIN, record, schema_message, state

from .kit import REJECTED, SYNC_LOGS, TABLE, everything_stored, item, items_schema, ok, run

OPS_BIN = TARGET_BIN.parent / "target-supabase-ops"


def _server(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or 5432, parts.path.lstrip("/")


def _refusing_configs(url: str) -> list[tuple[dict[str, Any], list[str]]]:
    """Configs that cannot work, each with the spellings of its secret."""
    host, port, db = _server(url)
    return [
        ({"database_url": f"postgres:noscheme-SECRET-3@{host}:{port}/{db}"}, ["noscheme-SECRET"]),
        (
            {"database_url": f"postgresql://postgres:p@ss/w0rd-SECRET-4@{host}:{port}/{db}"},
            ["w0rd-SECRET", "p@ss/w0rd", "p%40ss"],
        ),
        (
            {"host": host, "port": port, "user": "postgres", "password": 987654321987},
            ["987654321987"],
        ),
        (
            {"host": host, "port": port, "user": "postgres", "password": {"v": "obj-SECRET-5"}},
            ["obj-SECRET"],
        ),
        ({"database_url": "postgresql://postgres:refused-SECRET-6@127.0.0.1:9/x"}, ["refused-SE"]),
        (
            {"database_url": f"postgresql://postgres:wrong-SECRET-7@{host}:{port}/{db}"},
            ["wrong-SECRET"],
        ),
        (
            {"database_url": f"postgresql://postgres:pct%40SECRET%2F8@127.0.0.1:9/{db}"},
            ["pct%40SECRET", "pct@SECRET", "SECRET/8", "SECRET%2F8"],
        ),
        ({"database_url": f"host={host} password='kv-SECRET-9 port={port}"}, ["kv-SECRET"]),
        (
            {
                "database_url": f"postgresql://postgres:ssl-SECRET-10@{host}:{port}/{db}"
                "?sslmode=require"
            },
            ["ssl-SECRET"],
        ),
    ]


@pytest.mark.parametrize("case", range(9))
def test_no_secret_on_any_error_path(database_url: str, tmp_path: Path, case: int) -> None:
    config, secrets = _refusing_configs(database_url)[case]
    messages = [items_schema(), item(id=1), state({"s": 1})]
    done = run(config, messages, tmp_path)
    checked = run_ops_check(config, tmp_path)
    assert done.returncode == 1
    assert checked.returncode == 1
    assert done.states == []
    printed = done.stdout + done.stderr + checked.stdout + checked.stderr
    assert done.stderr.strip(), "an error is printed"
    for secret in secrets:
        assert secret not in printed, printed[-2000:]
    for secret in secrets:
        assert secret not in everything_stored(database_url)


def run_ops_check(config: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "ops-config.json"
    path.write_text(__import__("json").dumps(config))
    return subprocess.run(
        [str(OPS_BIN), "check", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_real_password_in_no_table_and_no_output(
    target_config: dict[str, Any], pg_server: Any, tmp_path: Path
) -> None:
    password = pg_server.password
    url = target_config["database_url"]
    assert password
    assert password in url
    ok(run(target_config, [items_schema(), item(id=1), state({"s": 1})], tmp_path))
    # A run failing after it connected: its error reaches the sync log.
    failed = run(target_config, [state({"s": 2}), item(id=2), "{bad"], tmp_path)
    assert failed.returncode == 1
    printed = failed.stdout + failed.stderr
    assert password not in printed
    assert password not in everything_stored(url)


# --- grants ---

ATTEMPTS = {
    "select": "SELECT * FROM {t}",
    "insert": "INSERT INTO {t} DEFAULT VALUES",
    "update": "UPDATE {t} SET id = id",
    "delete": "DELETE FROM {t}",
    "truncate": "TRUNCATE {t}",
    "trigger": "CREATE TRIGGER evil BEFORE INSERT ON {t} FOR EACH ROW "
    "EXECUTE FUNCTION {schema}.intercom_set_synced_at()",
}


def _try_as(url: str, role: str, statement: str) -> str | None:
    """None when `role` may run `statement`, else the error's class name."""
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(f'SET ROLE "{role}"')
        try:
            cur.execute(statement)
        except psycopg2.Error as exc:
            return type(exc).__name__
        finally:
            conn.rollback()
    return None


def _loaded(config: dict[str, Any], tmp_path: Path) -> None:
    messages = [items_schema(), item(id=1, name="n"), state({"g": 1})]
    ok(run(config, messages, tmp_path))


@pytest.mark.parametrize("role", ["anon", "authenticated"])
@pytest.mark.parametrize("table", [TABLE, SYNC_LOGS, REJECTED])
def test_api_roles_can_do_nothing(
    target_config: dict[str, Any], tmp_path: Path, role: str, table: str
) -> None:
    _loaded(target_config, tmp_path)
    url = target_config["database_url"]
    for name, template in ATTEMPTS.items():
        statement = template.format(t=f'public."{table}"', schema="public")
        assert _try_as(url, role, statement) == "InsufficientPrivilege", (role, name, table)


def test_service_role_may_select(target_config: dict[str, Any], tmp_path: Path) -> None:
    """Its other privileges (old projects' default privileges) are left as they are (README)."""
    _loaded(target_config, tmp_path)
    url = target_config["database_url"]
    for table in (TABLE, SYNC_LOGS, REJECTED):
        assert _try_as(url, "service_role", f"SELECT * FROM {table}") is None


def test_service_role_may_select_without_default_privileges(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    """A project after 2026-10-30: new tables get no privileges; SELECT comes from the target."""
    url = target_config["database_url"]
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            "REVOKE ALL ON TABLES FROM anon, authenticated, service_role"
        )
        conn.commit()
    _loaded(target_config, tmp_path)
    assert _try_as(url, "service_role", f"SELECT * FROM {TABLE}") is None
    statement = ATTEMPTS["insert"].format(t=TABLE, schema="public")
    assert _try_as(url, "service_role", statement) == "InsufficientPrivilege"
    assert _try_as(url, "anon", f"SELECT * FROM {TABLE}") == "InsufficientPrivilege"


def test_grant_select_to_chosen_roles(target_config: dict[str, Any], tmp_path: Path) -> None:
    config = {**target_config, "grant_select_to": ["authenticated", "no_such_role"]}
    _loaded(config, tmp_path)
    url = config["database_url"]
    assert _try_as(url, "authenticated", f"SELECT * FROM {TABLE}") is None
    for name in ("insert", "delete", "truncate"):
        statement = ATTEMPTS[name].format(t=TABLE, schema="public")
        assert _try_as(url, "authenticated", statement) == "InsufficientPrivilege", name
    assert _try_as(url, "anon", f"SELECT * FROM {TABLE}") == "InsufficientPrivilege"


def test_private_schema_is_out_of_the_api_roles_reach(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "schema": "intercom_private"}
    _loaded(config, tmp_path)
    url = config["database_url"]
    table = f"intercom_private.{TABLE}"
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT id, name FROM {table}")
        assert cur.fetchall() == [(1, "n")]
    for role in ("anon", "authenticated"):
        assert _try_as(url, role, f"SELECT * FROM {table}") == "InsufficientPrivilege"


def test_leftover_staging_table_is_closed_to_api_roles(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    config = {**target_config, "load_method": "overwrite"}
    url = config["database_url"]
    _loaded(config, tmp_path)
    done = run(config, [items_schema(), item(id=2), "{broken"], tmp_path)
    assert done.returncode == 1
    stage = f'public."_stage_{TABLE}"'
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", [stage])
        if cur.fetchone() == (None,):
            pytest.skip("no staging table was left behind")
    for role in ("anon", "authenticated"):
        for name in ("select", "insert", "delete", "truncate"):
            statement = ATTEMPTS[name].format(t=stage, schema="public")
            assert _try_as(url, role, statement) == "InsufficientPrivilege", (role, name)


def test_stream_table_created_later_in_a_run_gets_the_same_privileges(
    target_config: dict[str, Any], tmp_path: Path
) -> None:
    url = target_config["database_url"]
    _loaded(target_config, tmp_path)
    messages = [schema_message("later", {"id": {"type": "integer"}}, keys=["id"])]
    ok(run(target_config, [*messages, record("later", id=1), state({"l": 1})], tmp_path))
    for role in ("anon", "authenticated"):
        assert _try_as(url, role, "DELETE FROM intercom_later") == "InsufficientPrivilege"


WEIRD_PASSWORD = "p%a'ss w\\o#r?d€@/:x-SECRET-11"


@pytest.mark.parametrize("how", ["url", "settings"])
def test_password_with_every_awkward_character_connects_and_never_prints(
    database_url: str, tmp_path: Path, how: str
) -> None:
    """A role whose password holds %, ', \\, space, #, ?, €, @, / and : loads through a
    percent-encoded URL and through the host/password settings; a failing run prints it
    nowhere and stores it nowhere."""
    host, port, db = _server(database_url)
    role = f"weird_{how}"
    with contextlib.closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", [WEIRD_PASSWORD])
        cur.execute(f"GRANT CREATE ON SCHEMA public TO {role}")
        cur.execute(f'GRANT CREATE ON DATABASE "{db}" TO {role}')
        conn.commit()
    if how == "url":
        encoded = quote(WEIRD_PASSWORD, safe="")
        config: dict[str, Any] = {
            "database_url": f"postgresql://{role}:{encoded}@{host}:{port}/{db}"
        }
    else:
        config = {
            "host": host,
            "port": port,
            "user": role,
            "password": WEIRD_PASSWORD,
            "database": db,
        }
    ok(run(config, [items_schema(), item(id=1), state({"w": 1})], tmp_path))
    failed = run(config, [state({"w": 2}), record("nowhere", id=2)], tmp_path)
    assert failed.returncode == 1
    printed = failed.stdout + failed.stderr
    for spelling in (WEIRD_PASSWORD, quote(WEIRD_PASSWORD, safe=""), "x-SECRET-11"):
        assert spelling not in printed
        assert spelling not in everything_stored(database_url)
