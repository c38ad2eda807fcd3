"""Hostile input, part three: secrets on every error path, Supabase's grants, and the rest.

Every case runs the real programs as users do (`target-supabase`, `tap-intercom`, their check
commands) against the suite's PostgreSQL and fake Intercom, then looks at what a user sees: the
exit status, everything printed, the sync log and every table.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg2
import psycopg2.errors
import pytest
from intercom_sandbox.fake import FaultSpec
from intercom_sandbox.postgres import LocalPostgres, free_port
from psycopg2 import sql

from target.support import (
    TARGET_BIN,
    Finished,
    as_lines,
    fetch,
    record,
    run_process,
    schema_message,
    state,
    sync_logs,
    tables,
)

BIN = Path(sys.executable).parent
SECURITY_PAGE = Path(__file__).resolve().parents[3] / "docs" / "security.md"
SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.MULTILINE | re.DOTALL)
TEAMS = schema_message("teams", {"team_id": {"type": "string"}}, keys=["team_id"])
ONE_TEAM = [TEAMS, record("teams", team_id="1"), state({"bookmarks": {"teams": 1}})]
API_ROLES = ("anon", "authenticated")


# --- helpers -------------------------------------------------------------------------------------


def run_command(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=120)


def write_config(tmp_path: Path, config: dict[str, Any], name: str = "config.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(config))
    return str(path)


def tables_holding(url: str, secret: str) -> list[str]:
    """Every table of every non-system schema whose rows, as text, contain `secret`."""
    found = []
    for schema, table in fetch(
        url,
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    ):
        query = sql.SQL("SELECT count(*) FROM {} AS t WHERE strpos(t::text, %s) > 0").format(
            sql.Identifier(schema, table)
        )
        with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
            cur.execute(query, (secret,))
            row = cur.fetchone()
            if row and row[0]:
                found.append(f"{schema}.{table}")
    return found


def assert_nowhere(secret: str, url: str, *outputs: str) -> None:
    """`secret` (and each part of it between URL delimiters) in no output and no table."""
    parts = {secret} | {part for part in secret.replace("/", "@").split("@") if len(part) >= 4}
    for part in parts:
        for output in outputs:
            assert part not in output, f"{part!r} printed"
        assert not tables_holding(url, part), f"{part!r} stored"


def login_role(database_url: str, password: str) -> str:
    """A new login role with `password` that may load into the database's `public` schema."""
    role = f"loader_{uuid.uuid4().hex[:8]}"
    with contextlib.closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(role)), (password,)
        )
        cur.execute(
            sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(sql.Identifier(role))
        )
        conn.commit()
    return role


def with_userinfo(database_url: str, user: str, password: str) -> str:
    """The database's URL with this user and password written as given (not encoded)."""
    parts = urlsplit(database_url)
    return f"postgresql://{user}:{password}@{parts.hostname}:{parts.port}{parts.path}"


def as_role(url: str, role: str, statement: str) -> None:
    with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        cur.execute(statement)


def load_teams(tmp_path: Path, config: dict[str, Any]) -> Finished:
    done = run_process(config, ONE_TEAM, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.states == [{"bookmarks": {"teams": 1}}]
    return done


# --- secrets: the target --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        pytest.param("no-scheme", "database_url has no scheme", id="url-without-scheme"),
        pytest.param("at-sign", "not percent-encoded", id="password-with-unencoded-at"),
        pytest.param("slash", "not percent-encoded", id="password-with-unencoded-slash"),
        pytest.param("other-scheme", "must start with postgresql://", id="sqlalchemy-scheme"),
    ],
)
def test_a_database_url_libpq_would_misread_is_refused_without_its_password(
    pg_server, database_url, tmp_path, case, expected
) -> None:
    secret = {"no-scheme": pg_server.password, "other-scheme": pg_server.password}.get(
        case, f"Hostile@Pass/{uuid.uuid4().hex[:6]}@x" if case == "at-sign" else "Hostile/Pass9"
    )
    parts = urlsplit(database_url)
    address = f"{parts.hostname}:{parts.port}{parts.path}"
    url = {
        "no-scheme": f"postgres:{secret}@{address}",
        "other-scheme": f"postgresql+psycopg2://postgres:{secret}@{address}",
    }.get(case, with_userinfo(database_url, "postgres", secret))

    done = run_process({"database_url": url}, ONE_TEAM, tmp_path)

    assert done.returncode == 1
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert done.states == []
    assert_nowhere(secret, database_url, done.stdout, done.stderr)


def test_a_password_with_at_and_slash_loads_once_percent_encoded(database_url, tmp_path) -> None:
    secret = f"p@ss/{uuid.uuid4().hex[:8]}?#x"
    role = login_role(database_url, secret)
    url = with_userinfo(database_url, role, quote(secret, safe=""))

    done = load_teams(tmp_path, {"database_url": url})

    assert fetch(database_url, "SELECT team_id FROM intercom_teams") == [("1",)]
    assert_nowhere(secret, database_url, done.stdout, done.stderr)
    unencoded = run_process(
        {"database_url": with_userinfo(database_url, role, secret)}, ONE_TEAM, tmp_path
    )
    assert unencoded.returncode == 1
    assert "not percent-encoded" in unencoded.stderr
    assert_nowhere(secret, database_url, unencoded.stdout, unencoded.stderr)


@pytest.mark.parametrize(
    ("setting", "value", "secret"),
    [
        pytest.param("password", 98765432123457, "98765432123457", id="password-as-number"),
        pytest.param("password", {"pw": "ObjectPass-71"}, "ObjectPass-71", id="password-as-object"),
        pytest.param("database_url", 4815162342, "4815162342", id="url-as-number"),
    ],
)
def test_a_secret_of_the_wrong_type_is_refused_without_quoting_it(
    pg_server, database_url, tmp_path, setting, value, secret
) -> None:
    config: dict[str, Any] = {"host": "127.0.0.1", "port": pg_server.port, "user": "postgres"}
    config[setting] = value

    done = run_process(config, ONE_TEAM, tmp_path)

    assert done.returncode == 1
    assert f"is not of type 'string', 'null' in config['{setting}']" in done.stderr
    assert_nowhere(secret, database_url, done.stdout, done.stderr)


def test_a_refused_connection_prints_no_password(database_url, tmp_path) -> None:
    secret = f"Refused-{uuid.uuid4().hex[:8]}"
    url = f"postgresql://postgres:{secret}@127.0.0.1:{free_port()}/postgres"

    done = run_process({"database_url": url}, ONE_TEAM, tmp_path)

    assert done.returncode == 1
    assert "Connection refused" in done.stderr
    assert_nowhere(secret, database_url, done.stdout, done.stderr)


@pytest.mark.parametrize("command", ["check", "status", "apply-schema"])
def test_operator_commands_refuse_a_url_without_scheme_without_its_password(
    pg_server, database_url, tmp_path, command
) -> None:
    parts = urlsplit(database_url)
    url = f"postgres:{pg_server.password}@{parts.hostname}:{parts.port}{parts.path}"
    config = write_config(tmp_path, {"database_url": url})

    done = run_command([str(BIN / "target-supabase-ops"), command, "--config", config])

    assert done.returncode != 0
    assert "database_url has no scheme" in done.stdout + done.stderr
    assert_nowhere(pg_server.password, database_url, done.stdout, done.stderr)


# --- secrets: the tap ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "secret"),
    [
        pytest.param(987654321012, "987654321012", id="token-as-number"),
        pytest.param({"token": "ObjectToken-55"}, "ObjectToken-55", id="token-as-object"),
    ],
)
@pytest.mark.parametrize("program", ["tap-intercom", "tap-intercom-check"])
def test_a_token_of_the_wrong_type_is_refused_without_quoting_it(
    fake_intercom, tmp_path, program, value, secret
) -> None:
    fake = fake_intercom(conversations=1, contacts=1)
    config = write_config(tmp_path, {"access_token": value, "api_url": fake.url})

    done = run_command([str(BIN / program), "--config", config])

    assert done.returncode == 1
    assert "is not of type 'string' in config['access_token']" in done.stdout + done.stderr
    assert secret not in done.stdout + done.stderr
    assert not fake.stats.requests_by_path


def test_a_server_echoing_the_authorization_header_gets_its_echo_masked(
    fake_intercom, database_url, tmp_path
) -> None:
    token = f"echoed-token-{uuid.uuid4().hex[:8]}"
    fake = fake_intercom(
        conversations=2,
        contacts=2,
        token=token,
        echo_authorization=True,
        faults=FaultSpec(rate=1.0, kinds=("400",), path_prefix="/admins"),
    )
    config = write_config(tmp_path, {"access_token": token, "api_url": fake.url}, "tap.json")

    tap = run_command([str(BIN / "tap-intercom"), "--config", config])
    target = run_process({"database_url": database_url}, [tap.stdout.rstrip("\n")], tmp_path)

    assert tap.returncode == 1
    assert "parameter_invalid: The request was refused (Authorization: Bearer ********)" in (
        tap.stderr
    )
    assert_nowhere(token, database_url, tap.stdout, tap.stderr, target.stdout, target.stderr)


def test_the_tap_check_masks_a_wrong_token_the_server_echoes(fake_intercom, tmp_path) -> None:
    fake = fake_intercom(conversations=1, contacts=1, echo_authorization=True)
    wrong = f"wrong-token-{uuid.uuid4().hex[:8]}"
    config = write_config(tmp_path, {"access_token": wrong, "api_url": fake.url})

    done = run_command([str(BIN / "tap-intercom-check"), "--config", config])

    assert done.returncode == 1
    assert "the token was rejected (HTTP 401 unauthorized Access Token Invalid" in done.stdout
    assert "Bearer ********" in done.stdout
    assert wrong not in done.stdout + done.stderr


# --- Supabase's grants ---------------------------------------------------------------------------

OPERATIONS = {
    "select": "SELECT * FROM {t}",
    "insert": "INSERT INTO {t} DEFAULT VALUES",
    "update": "UPDATE {t} SET {c} = {c}",
    "delete": "DELETE FROM {t}",
    "truncate": "TRUNCATE {t}",
    "create trigger": "CREATE TRIGGER hostile BEFORE INSERT ON {t} FOR EACH ROW "
    "EXECUTE FUNCTION public.intercom_set_synced_at()",
}
TARGET_TABLES = (
    "intercom_teams",
    "intercom_sync_logs",
    "intercom_rejected_records",
    "intercom_webhook_events",
)


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("role", API_ROLES)
def test_api_roles_may_do_nothing_to_the_tables_despite_old_default_privileges(
    database_url, tmp_path, role, operation
) -> None:
    # The suite's databases carry the default privileges of a project created before
    # 2026-05-30: ALL on new tables to anon and authenticated (intercom_sandbox/postgres.py).
    load_teams(tmp_path, {"database_url": database_url})

    assert set(TARGET_TABLES) <= tables(database_url)
    for table in TARGET_TABLES:
        key = "team_id" if table == "intercom_teams" else "id"
        statement = OPERATIONS[operation].format(t=f"public.{table}", c=key)
        # Not a row level security refusal (same SQLSTATE): no privilege at all.
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied for"):
            as_role(database_url, role, statement)
    assert fetch(database_url, "SELECT team_id FROM intercom_teams") == [("1",)]


@pytest.mark.parametrize("defaults", ["old project", "new project"])
def test_service_role_reads_every_table_but_cannot_write_on_a_new_project(
    database_url, tmp_path, defaults
) -> None:
    if defaults == "new project":
        # Since 2026-05-30 new projects have no default privileges for the API roles.
        with contextlib.closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
            cur.execute(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES "
                "FROM anon, authenticated, service_role"
            )
            conn.commit()
    load_teams(tmp_path, {"database_url": database_url})

    for table in TARGET_TABLES:
        as_role(database_url, "service_role", f"SELECT * FROM public.{table}")
    assert fetch(
        database_url,
        "SELECT has_table_privilege('service_role', 'public.intercom_teams', 'SELECT')",
    ) == [(True,)]
    if defaults == "new project":
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            as_role(database_url, "service_role", "DELETE FROM public.intercom_teams")


def test_grant_select_to_names_the_readers_and_missing_roles_are_skipped(
    database_url, tmp_path
) -> None:
    reader = f"reader_{uuid.uuid4().hex[:6]}"
    with contextlib.closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(reader)))
        conn.commit()
    config = {"database_url": database_url, "grant_select_to": [reader, "no_such_role"]}

    done = load_teams(tmp_path, config)

    assert "roles the database does not have: no_such_role" in done.stderr
    as_role(database_url, reader, "SELECT * FROM public.intercom_teams")
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        as_role(database_url, reader, "DELETE FROM public.intercom_teams")


def test_a_schema_of_its_own_keeps_the_tables_off_the_data_api(database_url, tmp_path) -> None:
    load_teams(tmp_path, {"database_url": database_url, "schema": "intercom_private"})

    assert "intercom_teams" in tables(database_url, "intercom_private")
    for role in API_ROLES:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="schema"):
            as_role(database_url, role, "SELECT * FROM intercom_private.intercom_teams")
    as_role(database_url, "service_role", "SELECT * FROM intercom_private.intercom_teams")


def test_the_readme_sql_brings_older_tables_in_line(database_url, tmp_path) -> None:
    # A table made before this target set privileges: the old project's defaults apply.
    with contextlib.closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE intercom_older (id text PRIMARY KEY)")
        conn.commit()
    blocks = SQL_BLOCK.findall(SECURITY_PAGE.read_text())
    [fix] = [block for block in blocks if "REVOKE ALL" in block]
    with contextlib.closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(fix)
        conn.commit()

    for role in API_ROLES:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
            as_role(database_url, role, "TRUNCATE public.intercom_older")
    as_role(database_url, "service_role", "SELECT * FROM public.intercom_older")


# --- the rest ------------------------------------------------------------------------------------


def test_two_first_runs_into_an_empty_schema_at_once_both_succeed(pg_server, tmp_path) -> None:
    # Without serialised schema changes one of the two failed about every other try (a unique
    # violation on pg_proc): several tries, each into a new database.
    for attempt in range(4):
        url = pg_server.create_database(f"hostile_race_{uuid.uuid4().hex[:8]}")
        config = write_config(tmp_path, {"database_url": url, "batch_max_seconds": 0})
        runs = [
            subprocess.Popen(
                [str(TARGET_BIN), "--config", config],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        time.sleep(1.0)  # both started and waiting for input
        writers = [
            threading.Thread(target=run.communicate, args=(as_lines(ONE_TEAM),)) for run in runs
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=120)
        assert [run.returncode for run in runs] == [0, 0], f"attempt {attempt}"
        statuses = [log["status"] for log in sync_logs(url)]
        assert statuses == ["success", "success"]
        assert fetch(url, "SELECT team_id FROM intercom_teams") == [("1",)]


@pytest.mark.parametrize(("setting", "expected"), [(0, "0"), (7, "7s"), (None, "110s")])
def test_statement_timeout_seconds_zero_means_no_timeout(
    database_url, tmp_path, setting, expected
) -> None:
    # The database's own default must not apply either: 0 switches the timeout off.
    with contextlib.closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(
            sql.SQL("ALTER DATABASE {} SET statement_timeout = '30s'").format(
                sql.Identifier(urlsplit(database_url).path.lstrip("/"))
            )
        )
        cur.execute(
            "CREATE TABLE seen (timeout text); CREATE TABLE intercom_teams "
            "(team_id text PRIMARY KEY, _synced_at timestamptz DEFAULT now()); "
            "CREATE FUNCTION note_timeout() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO seen VALUES (current_setting('statement_timeout')); RETURN NEW; END $$; "
            "CREATE TRIGGER note BEFORE INSERT ON intercom_teams FOR EACH ROW "
            "EXECUTE FUNCTION note_timeout()"
        )
        conn.commit()
    config: dict[str, Any] = {"database_url": database_url}
    if setting is not None:
        config["statement_timeout_seconds"] = setting

    load_teams(tmp_path, config)

    assert fetch(database_url, "SELECT timeout FROM seen") == [(expected,)]


def test_a_negative_statement_timeout_is_refused_clearly(database_url, tmp_path) -> None:
    config = {"database_url": database_url, "statement_timeout_seconds": -1}
    done = run_process(config, ONE_TEAM, tmp_path)
    assert done.returncode == 1
    assert "statement_timeout_seconds=-1 must be a whole number of seconds" in done.stderr
    assert "intercom_teams" not in tables(database_url)


ESCAPE = "\x1b]0;owned\x07\x1b[2J\x9b31m"


def test_terminal_escapes_in_names_and_values_never_reach_stderr_raw(
    database_url, tmp_path
) -> None:
    stream = f"s{ESCAPE}"
    properties = {"id": {"type": "string"}, "n": {"type": "integer"}}
    messages = [
        schema_message(stream, properties, keys=["id"]),
        record(stream, id="1", n=1, **{f"extra{ESCAPE}": "x"}),
        record(stream, id="2", n=f"bad{ESCAPE}"),
        state({"note": ESCAPE}),
    ]

    done = run_process({"database_url": database_url}, messages, tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.states == [{"note": ESCAPE}]
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in done.stderr
    assert "Rejected a record of stream s\\x1b]0;owned\\x07\\x1b[2J\\x9b31m" in done.stderr
    table = f"intercom_s{ESCAPE}"
    assert fetch(database_url, f'SELECT id, n FROM "{table}"') == [("1", 1)]
    rejected = fetch(database_url, "SELECT stream FROM intercom_rejected_records")
    assert rejected == [(stream,)]


def test_a_failure_with_escapes_in_its_message_is_printed_escaped(database_url, tmp_path) -> None:
    # A database error quotes the row that PostgreSQL refused: here one that breaks a CHECK
    # constraint of the user's own table.
    with contextlib.closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(
            "CREATE TABLE intercom_teams (team_id text PRIMARY KEY CHECK (team_id NOT LIKE 'x%'), "
            "_synced_at timestamptz DEFAULT now())"
        )
        conn.commit()
    messages = [TEAMS, record("teams", team_id=f"x{ESCAPE}"), state({"bookmarks": {}})]

    # With `on_invalid_record: fail` the refusal ends the run (by default the row is set aside:
    # tests/target/hostile/test_values.py).
    config = {"database_url": database_url, "on_invalid_record": "fail"}
    done = run_process(config, messages, tmp_path)

    assert done.returncode == 1
    assert "violates check constraint" in done.stderr
    assert "Failing row contains (x\\x1b]0;owned\\x07" in done.stderr
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in done.stderr


def test_a_database_down_when_the_run_fails_still_gets_the_run_logged_failed(
    pg_server, database_url, tmp_path
) -> None:
    if not isinstance(pg_server, LocalPostgres):
        pytest.skip("stops and starts the suite's own server")
    config = write_config(tmp_path, {"database_url": database_url, "batch_max_seconds": 0})
    run = subprocess.Popen(
        [str(TARGET_BIN), "--config", config],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert run.stdin is not None
    assert run.stdout is not None
    run.stdin.write(as_lines(ONE_TEAM))
    run.stdin.flush()
    assert json.loads(run.stdout.readline()) == {"bookmarks": {"teams": 1}}

    pg_server.stop()  # every connection cut; down while the target fails
    try:
        later = [record("teams", team_id="2"), state({"bookmarks": {"teams": 2}})]
        run.stdin.write(as_lines(later))
        run.stdin.close()
        time.sleep(1.5)
    finally:
        pg_server.start()
    run.wait(timeout=120)
    stdout, stderr = run.stdout.read(), run.stderr.read() if run.stderr else ""

    assert run.returncode == 1
    assert stdout == ""
    assert "target-supabase failed: Database error while" in stderr
    [log] = sync_logs(database_url)
    assert log["status"] == "failed"
    assert "Database error while" in log["error_message"]
    assert log["state"] == {"bookmarks": {"teams": 1}}
    assert fetch(database_url, "SELECT team_id FROM intercom_teams") == [("1",)]
