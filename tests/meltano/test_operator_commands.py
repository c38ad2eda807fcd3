"""The operator commands through Meltano (`meltano invoke <plugin>:<command>`), the default
environment's variables, and the hourly schedule."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from db_helpers import tables as table_names
from e2e.tables import count_rows
from intercom_sandbox.fake import FakeIntercom
from intercom_sandbox.postgres import LocalPostgres
from ops.structure import describe_structure

from meltano.project import REPO_ROOT, TOKEN, MeltanoProject

CHECKED_IN_SQL = REPO_ROOT / "schemas" / "supabase.sql"

pytestmark = pytest.mark.slow  # each test runs Meltano (a few seconds a run)


def test_both_connection_checks_pass(
    meltano_project: MeltanoProject, database_url: str, plugin_env: dict
) -> None:
    intercom = meltano_project.run("invoke", "tap-intercom:check", env=plugin_env)
    database = meltano_project.run("invoke", "target-supabase:check", env=plugin_env)

    assert "Intercom: ready" in intercom.stdout
    assert "Database: ready" in database.stdout
    assert TOKEN not in intercom.stdout + intercom.stderr
    assert str(urlsplit(database_url).password) not in database.stdout + database.stderr


def test_a_wrong_token_fails_the_check_and_says_why(
    meltano_project: MeltanoProject, plugin_env: dict
) -> None:
    env = plugin_env | {"TAP_INTERCOM_ACCESS_TOKEN": "not-the-token"}
    done = meltano_project.try_run("invoke", "tap-intercom:check", env=env)

    assert done.returncode != 0
    assert "[FAIL] intercom token: the token was rejected (HTTP 401" in done.stdout


def test_status_shows_the_last_syncs_and_a_sync_creates_the_checked_in_schema(
    meltano_project: MeltanoProject, database_url: str, plugin_env: dict, pg_server: LocalPostgres
) -> None:
    meltano_project.run("run", "tap-intercom", "target-supabase", env=plugin_env)
    status = meltano_project.run("invoke", "target-supabase:status", env=plugin_env)

    lines = status.stdout.splitlines()
    assert lines[0] == "Last sync from public.intercom_sync_logs (newest first):"
    assert lines[1].split()[:4] == ["type", "status", "started", "(UTC)"]
    assert lines[3].split()[:2] == ["full", "success"]

    from_sql = pg_server.create_database(f"{Path(database_url).name}_from_sql")
    with closing(psycopg2.connect(from_sql)) as conn, conn.cursor() as cur:
        cur.execute(CHECKED_IN_SQL.read_text())
        conn.commit()
    assert describe_structure(from_sql) == describe_structure(database_url)


def test_apply_schema_creates_the_tables_and_can_print_the_sql(
    meltano_project: MeltanoProject, database_url: str, plugin_env: dict
) -> None:
    printed = meltano_project.run("invoke", "target-supabase:apply-schema", "--print-sql",
                                  env=plugin_env)  # fmt: skip
    assert table_names(database_url) == set()
    meltano_project.run("invoke", "target-supabase:apply-schema", env=plugin_env)

    body = "".join(
        line for line in CHECKED_IN_SQL.read_text().splitlines(True) if not line.startswith("--")
    )
    assert printed.stdout == body
    assert "intercom_conversations" in table_names(database_url)
    assert count_rows(database_url, "intercom_conversations") == 0


def test_the_default_environment_reads_the_users_own_variables(
    meltano_project: MeltanoProject, fake: FakeIntercom, database_url: str, plugin_env: dict
) -> None:
    env = {
        "INTERCOM_ACCESS_TOKEN": TOKEN,
        "SUPABASE_DB_URL": database_url,
        "TAP_INTERCOM_API_URL": fake.url,
        "MELTANO_DATABASE_URI": plugin_env["MELTANO_DATABASE_URI"],
    }
    done = meltano_project.run("run", "intercom-to-supabase", env=env)
    check = meltano_project.run("invoke", "tap-intercom:check", env=env)

    assert count_rows(database_url, "intercom_conversations") == len(fake.truth().conversations)
    assert "Intercom: ready" in check.stdout
    for output in (done.stdout + done.stderr, check.stdout + check.stderr):
        assert TOKEN not in output
        assert str(urlsplit(database_url).password) not in output


def test_the_hourly_schedule_runs_the_job(meltano_project: MeltanoProject) -> None:
    done = meltano_project.run("schedule", "list", "--format=json")

    schedules = {item["name"]: item for item in json.loads(done.stdout)["schedules"]["job"]}
    assert schedules["intercom-hourly"]["interval"] == "@hourly"
    assert schedules["intercom-hourly"]["job"]["name"] == "intercom-to-supabase"
    assert schedules["intercom-hourly"]["job"]["tasks"] == ["tap-intercom target-supabase"]
