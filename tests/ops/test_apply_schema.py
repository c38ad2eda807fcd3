"""`target-supabase-ops apply-schema`, and `schemas/supabase.sql` checked in next to it."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from db_helpers import tables as table_names

from ops.helpers import OPS_MODULE, run_module, write_config
from ops.structure import describe_structure

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECKED_IN_SQL = REPO_ROOT / "schemas" / "supabase.sql"
TAP_TABLES = {
    "intercom_conversations",
    "intercom_messages",
    "intercom_conversation_tags",
    "intercom_users",
    "intercom_admins",
    "intercom_tags",
    "intercom_teams",
    "intercom_segments",
    "intercom_companies",
    "intercom_tickets",
    "intercom_data_attributes",
}
TARGET_TABLES = {
    "intercom_sync_logs",
    "intercom_rejected_records",
    "intercom_webhook_events",
    "intercom_id_snapshots",
}


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    done = run_module("tap_intercom.tap", "--discover")
    path = tmp_path_factory.mktemp("catalog") / "catalog.json"
    path.write_text(done.stdout)
    return path


def apply_schema(tmp_path: Path, database_url: str, *args: str) -> str:
    config = write_config(tmp_path, "target.json", {"database_url": database_url})
    done = run_module(OPS_MODULE, "apply-schema", "--config", str(config), *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_sql(database_url: str, script: str) -> None:
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(script)
        conn.commit()


def test_print_sql_is_the_checked_in_schema(tmp_path: Path, catalog_file: Path) -> None:
    config = write_config(tmp_path, "defaults.json", {})
    args = ["--config", str(config), "--catalog", str(catalog_file), "--print-sql"]
    done = run_module(OPS_MODULE, "apply-schema", *args)

    assert done.returncode == 0, done.stderr
    body = "".join(
        line for line in CHECKED_IN_SQL.read_text().splitlines(True) if not line.startswith("--")
    )
    assert done.stdout == body, "schemas/supabase.sql is stale: run scripts/generate_docs.py"


def test_apply_creates_every_table_with_rls_and_no_rows(
    tmp_path: Path, database_url: str, catalog_file: Path
) -> None:
    output = apply_schema(tmp_path, database_url, "--catalog", str(catalog_file))

    structure = describe_structure(database_url)
    assert {table for table, _ in structure["row_level_security"]} == TAP_TABLES | TARGET_TABLES
    assert all(enabled for _, enabled in structure["row_level_security"])
    assert {table for table, _, _ in structure["triggers"]} == TAP_TABLES
    assert "intercom_conversations" in output
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM intercom_conversations")
        assert cur.fetchone() == (0,)


def test_apply_discovers_the_streams_with_the_installed_tap(
    tmp_path: Path, database_url: str
) -> None:
    apply_schema(tmp_path, database_url)

    assert table_names(database_url) == TAP_TABLES | TARGET_TABLES


def test_applying_the_checked_in_sql_gives_the_same_schema(
    tmp_path: Path, database_url: str, pg_server, catalog_file: Path
) -> None:
    apply_schema(tmp_path, database_url, "--catalog", str(catalog_file))
    other = pg_server.create_database(f"{Path(database_url).name}_sql")
    run_sql(other, CHECKED_IN_SQL.read_text())

    assert describe_structure(other) == describe_structure(database_url)


def test_apply_twice_changes_nothing(tmp_path: Path, database_url: str, catalog_file: Path) -> None:
    apply_schema(tmp_path, database_url, "--catalog", str(catalog_file))
    first = describe_structure(database_url)
    apply_schema(tmp_path, database_url, "--catalog", str(catalog_file))

    assert describe_structure(database_url) == first


def test_apply_upgrades_an_old_table_keeping_its_rows(
    tmp_path: Path, database_url: str, catalog_file: Path
) -> None:
    run_sql(
        database_url,
        "CREATE TABLE intercom_conversations (conversation_id text PRIMARY KEY, state text);"
        "INSERT INTO intercom_conversations VALUES ('42', 'open');",
    )
    apply_schema(tmp_path, database_url, "--catalog", str(catalog_file))

    columns = {
        column
        for table, column, *_ in describe_structure(database_url)["columns"]
        if table == "intercom_conversations"
    }
    assert {"updated_at", "priority", "parts_truncated", "_synced_at"} <= columns
    rls = dict(describe_structure(database_url)["row_level_security"])
    assert rls["intercom_conversations"] is True
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT conversation_id, state FROM intercom_conversations")
        assert cur.fetchall() == [("42", "open")]


def test_a_file_that_is_not_a_catalog_is_refused(tmp_path: Path, database_url: str) -> None:
    bogus = write_config(tmp_path, "bogus.json", {"streams": "nope"})
    config = write_config(tmp_path, "target.json", {"database_url": database_url})
    done = run_module(OPS_MODULE, "apply-schema", "--config", str(config), "--catalog", str(bogus))

    assert done.returncode == 1
    assert "is not a Singer catalog" in done.stderr
    assert table_names(database_url) == set()
