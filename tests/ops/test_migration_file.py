"""`apply-schema --migration`: the SQL as a Supabase CLI migration file, which `supabase db push`
applies (each file in one transaction, in name order)."""

from __future__ import annotations

import re
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import psycopg2
import pytest
from intercom_sandbox.postgres import LocalPostgres
from target_supabase.ops.apply_schema import write_migration

from ops.helpers import OPS_MODULE, run_module, write_config
from ops.structure import describe_structure

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECKED_IN_SQL = REPO_ROOT / "schemas" / "supabase.sql"


def sql_body(text: str) -> str:
    return "".join(line for line in text.splitlines(True) if not line.startswith("--"))


def push(database_url: str, migration: Path) -> None:
    """What `supabase db push` does with one file: run it in a transaction."""
    with closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute(migration.read_text())
        conn.commit()


def test_the_migration_is_the_schema_sql_in_the_supabase_cli_layout(
    tmp_path: Path, database_url: str, pg_server: LocalPostgres
) -> None:
    config = write_config(tmp_path, "target.json", {"database_url": database_url})
    done = run_module(OPS_MODULE, "apply-schema", "--config", str(config), "--migration",
                      cwd=tmp_path)  # fmt: skip

    assert done.returncode == 0, done.stderr
    [migration] = (tmp_path / "supabase" / "migrations").iterdir()
    assert re.fullmatch(r"\d{14}_intercom\.sql", migration.name)
    assert f"Wrote supabase/migrations/{migration.name}: apply it with `supabase db push`" in (
        done.stdout
    )
    assert sql_body(migration.read_text()) == sql_body(CHECKED_IN_SQL.read_text())

    applied = pg_server.create_database(f"{Path(database_url).name}_applied")
    run_module(OPS_MODULE, "apply-schema", "--config",
               str(write_config(tmp_path, "applied.json", {"database_url": applied})))  # fmt: skip
    push(database_url, migration)
    push(database_url, migration)  # again: it only creates what is missing
    assert describe_structure(database_url) == describe_structure(applied)


def test_a_migration_never_overwrites_another(tmp_path: Path) -> None:
    moment = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
    first = write_migration("SELECT 1;\n", tmp_path, now=moment)

    with pytest.raises(FileExistsError):
        write_migration("SELECT 2;\n", tmp_path, now=moment)
    assert first.name == "20260304050607_intercom.sql"
    assert first.read_text().endswith("SELECT 1;\n")
