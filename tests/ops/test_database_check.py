"""`target-supabase-ops check`: the database half of "test connections", against a real server."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg2
import pytest
from intercom_sandbox.postgres import free_port
from target_supabase.ops.db_check import check_pooler, explain_connect_error

from ops.helpers import OPS_MODULE, run_module, write_config


def with_credentials(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{quote(user)}:{quote(password, safe='')}@{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def check(tmp_path: Path, config: dict) -> tuple[int, str]:
    path = write_config(tmp_path, "target.json", config)
    done = run_module(OPS_MODULE, "check", "--config", str(path))
    return done.returncode, done.stdout + done.stderr


def test_a_working_database_passes_every_check(tmp_path: Path, database_url: str) -> None:
    code, output = check(tmp_path, {"database_url": database_url})

    assert code == 0, output
    assert "[ OK ] database reachable" in output
    assert "[ OK ] database ssl: not used (a local server)" in output
    assert "[ OK ] database permissions: may create tables in schema 'public'" in output
    assert "Database: ready" in output
    assert str(urlsplit(database_url).password) not in output


def test_host_and_password_settings_work_too(tmp_path: Path, database_url: str) -> None:
    parts = urlsplit(database_url)
    config = {
        "host": parts.hostname,
        "port": parts.port,
        "user": parts.username,
        "password": parts.password,
        "database": parts.path.lstrip("/"),
    }
    code, output = check(tmp_path, config)

    assert code == 0, output
    assert str(parts.password) not in output


def test_a_wrong_password_says_so_without_printing_it(tmp_path: Path, database_url: str) -> None:
    wrong = "Wr0ng-" + secrets.token_hex(6)
    code, output = check(
        tmp_path, {"database_url": with_credentials(database_url, "postgres", wrong)}
    )

    assert code == 1
    assert "[FAIL] database reachable" in output
    assert "the password is wrong" in output
    assert "Database: NOT ready" in output
    assert wrong not in output


def test_nothing_listening_names_host_and_port(tmp_path: Path) -> None:
    port = free_port()
    url = f"postgresql://postgres:pw-{secrets.token_hex(4)}@127.0.0.1:{port}/postgres"
    code, output = check(tmp_path, {"database_url": url})

    assert code == 1
    assert f"cannot connect as postgres@127.0.0.1:{port}" in output
    assert "nothing listens there" in output


def test_a_user_without_create_permission_is_told_what_to_grant(
    tmp_path: Path, database_url: str
) -> None:
    role, password = f"reader_{secrets.token_hex(4)}", secrets.token_hex(8)
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", (password,))
        cur.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    conn.close()

    code, output = check(tmp_path, {"database_url": with_credentials(database_url, role, password)})

    assert code == 1
    assert "[ OK ] database reachable" in output
    assert "[FAIL] database permissions: cannot create tables in 'public'" in output
    assert f"GRANT CREATE ON SCHEMA public TO {role}" in output
    assert password not in output


def test_no_database_configured_says_where_to_find_the_url(tmp_path: Path) -> None:
    code, output = check(tmp_path, {})

    assert code == 1
    assert "no database configured" in output
    assert "SUPABASE_DB_URL" in output


def test_the_users_supabase_db_url_variable_is_honoured(database_url: str) -> None:
    done = run_module(OPS_MODULE, "check", env={"SUPABASE_DB_URL": database_url})

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Database: ready" in done.stdout


def test_meltano_style_variables_are_honoured(database_url: str) -> None:
    # Meltano exports every setting, numbers included: the SDK alone would reject "30".
    env = {"TARGET_SUPABASE_DATABASE_URL": database_url, "TARGET_SUPABASE_BATCH_MAX_SECONDS": "30"}
    done = run_module(OPS_MODULE, "check", "--config", "ENV", env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Database: ready" in done.stdout


def test_a_server_without_tls_is_explained_when_tls_is_required(
    tmp_path: Path, database_url: str
) -> None:
    code, output = check(tmp_path, {"database_url": database_url, "sslmode": "require"})

    assert code == 1
    assert "[FAIL] database reachable" in output
    assert "server does not support SSL" in output
    assert "the server has no TLS" in output


def test_the_check_works_through_a_transaction_pooler(
    tmp_path: Path, database_url: str, pgbouncer
) -> None:
    code, output = check(tmp_path, {"database_url": pgbouncer.url_for(database_url)})

    assert code == 0, output
    assert "[ OK ] database permissions" in output


@pytest.mark.parametrize(
    ("libpq_says", "hint"),
    [
        pytest.param(
            'connection to server at "2406:da18::1", port 5432 failed: Network is unreachable',
            "use the Session pooler URL instead",
            id="ipv6-direct-connection",
        ),
        pytest.param(
            "FATAL:  Tenant or user not found",
            "the user is postgres.<project-ref>",
            id="pooler-user",
        ),
        pytest.param(
            'could not translate host name "db.abc.supabase.co" to address',
            "the host name does not resolve",
            id="dns",
        ),
        pytest.param("timeout expired", "the project may be paused", id="timeout"),
    ],
)
def test_supabase_connection_errors_come_with_a_fix(libpq_says: str, hint: str) -> None:
    password = "s3cret-" + secrets.token_hex(4)
    config = {"database_url": f"postgresql://postgres:{password}@db.abc.supabase.co:5432/postgres"}
    message = explain_connect_error(config, psycopg2.OperationalError(f"{libpq_says} {password}"))

    assert message.startswith("cannot connect as postgres@db.abc.supabase.co:5432: ")
    assert hint in message
    assert password not in message


def test_port_6543_is_recognised_as_the_transaction_pooler() -> None:
    url = "postgresql://postgres.abc:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres"
    (result,) = check_pooler({"database_url": url})

    assert result.status == "WARN"
    assert "transaction pooler: supported" in result.message


def test_supabase_db_url_in_the_project_folders_env_file_is_found(
    database_url: str, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(f"SUPABASE_DB_URL={database_url}\n")
    done = run_module(OPS_MODULE, "check", "--config", "ENV", cwd=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Database: ready" in done.stdout
