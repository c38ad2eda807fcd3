"""The SQL of the README and docs/, run for real. Every query shown (docs/monitoring.md,
docs/troubleshooting.md, any other page but docs/security.md) runs against a database loaded by
`tap-intercom | target-supabase` and returns rows; docs/security.md's least-privilege role is
created as written and loads a workspace."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg2
import pytest
from meltano.project import REPO_ROOT

from e2e.pipeline import BIN_DIR, target_command
from e2e.scenario import open_scenario, write_json
from e2e.tables import table_names

DOCUMENTS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
SECURITY = REPO_ROOT / "docs" / "security.md"
SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.M | re.S)
ROLE, PASSWORD = "intercom_loader", "replace-with-a-long-random-password"
# A stream of our own, to give the rejected-records query something to show.
CHECK_STREAM = "readme_checks"


def sql_blocks(text: str) -> list[str]:
    return SQL_BLOCK.findall(text)


def statements(block: str) -> list[str]:
    return [part.strip() for part in re.split(r";\s*$", block, flags=re.M) if part.strip()]


def readme_queries() -> list[str]:
    """Every statement of every SQL block of the README and docs/, but docs/security.md's."""
    return [
        statement
        for document in DOCUMENTS
        if document != SECURITY
        for block in sql_blocks(document.read_text())
        for statement in statements(block)
    ]


def label(statement: str) -> str:
    first = statement.splitlines()[0]
    return first.removeprefix("-- ").rstrip(".") if first.startswith("--") else first[:60]


def fetch(url: str, query: str, *, read_only: bool = True) -> list[tuple[Any, ...]]:
    with closing(psycopg2.connect(url)) as conn:
        conn.set_session(readonly=read_only)
        with conn.cursor() as cur:
            cur.execute(query)
            return cur.fetchall()


def execute(url: str, statement: str) -> None:
    with closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(statement)
        conn.commit()


def feed_target(workdir: Path, database_url: str, lines: list[str]) -> int:
    config = write_json(workdir / "target.json", {"database_url": database_url})
    text = "\n".join(lines) + "\n"
    args = target_command(config)
    done = subprocess.run(args, input=text, capture_output=True, text=True, timeout=120)
    return done.returncode


def message(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields})


CHECK_SCHEMA = message(
    "SCHEMA",
    stream=CHECK_STREAM,
    schema={"type": "object", "properties": {"id": {"type": "integer"}}},
    key_properties=["id"],
)


@pytest.fixture(scope="module")
def loaded_database(pg_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A full run, an incremental run after changes in Intercom, a run with a record that does
    not match its schema, and a run that fails on a line that is not JSON."""
    workdir = tmp_path_factory.mktemp("readme-sql")
    workspace = {"seed": 73, "conversations": 40, "contacts": 10, "huge_conversations": 1}
    with open_scenario(pg_server, workdir, **workspace) as scenario:
        scenario.run_ok()
        scenario.fake.workspace.mutate(seed=4)
        scenario.run_ok()
        rejected = [CHECK_SCHEMA, message("RECORD", stream=CHECK_STREAM, record={"id": "one"})]
        rejected.append(message("STATE", value={"bookmarks": {}}))
        assert feed_target(workdir, scenario.database_url, rejected) == 0
        assert feed_target(workdir, scenario.database_url, [CHECK_SCHEMA, "not json"]) == 1
        yield scenario.database_url


@pytest.mark.parametrize("query", readme_queries(), ids=label)
def test_every_readme_query_runs_and_returns_rows(loaded_database: str, query: str) -> None:
    assert fetch(loaded_database, query)


FAILED_RUNS = "Runs that failed, were interrupted or skipped streams, with their errors"
REJECTED_BY_STREAM = "Records the target set aside, by stream, with the latest error"
TRUNCATED_CONVERSATIONS = "Conversations with parts beyond Intercom's 500-part limit"


def test_the_readme_has_the_queries_users_asked_for() -> None:
    labels = {label(query) for query in readme_queries()}
    asked = {"The last ten runs", "What each kind of run has loaded"}
    assert asked | {FAILED_RUNS, REJECTED_BY_STREAM, TRUNCATED_CONVERSATIONS} <= labels


def query_labelled(wanted: str) -> str:
    return next(query for query in readme_queries() if label(query) == wanted)


def test_the_failure_and_rejection_queries_show_what_went_wrong(loaded_database: str) -> None:
    failed = fetch(loaded_database, query_labelled(FAILED_RUNS))
    rejected = fetch(loaded_database, query_labelled(REJECTED_BY_STREAM))
    truncated = fetch(loaded_database, query_labelled(TRUNCATED_CONVERSATIONS))

    assert [(row[2], "Unable to parse line as JSON" in row[5]) for row in failed] == [
        ("failed", True)
    ]
    assert [(row[0], row[1]) for row in rejected] == [(CHECK_STREAM, 1)]
    assert "is not of type" in rejected[0][3]
    assert truncated
    assert all(total > returned == 500 for _, total, returned, _ in truncated)


# ---- Security: the least-privilege role ----


TABLE_OWNERS = "SELECT DISTINCT tableowner::text FROM pg_tables WHERE schemaname = 'public'"
TABLES_WITHOUT_RLS = """
SELECT relname FROM pg_class
WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND NOT relrowsecurity
"""


def with_credentials(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{quote(user)}:{quote(password)}@{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def count_as(url: str, role: str, table: str) -> int:
    with closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(f"SET ROLE {role}")
        cur.execute(f'SELECT count(*) FROM "{table}"')
        row = cur.fetchone()
        return int(row[0]) if row else -1


@contextmanager
def loader_role(admin_url: str) -> Iterator[tuple[str, str]]:
    """docs/security.md's least-privilege role, created as written; its name and database URL."""
    [create_role] = [b for b in sql_blocks(SECURITY.read_text()) if "CREATE ROLE" in b]
    role, password = f"{ROLE}_{secrets.token_hex(4)}", secrets.token_hex(12)
    loader_url = with_credentials(admin_url, role, password)
    execute(admin_url, create_role.replace(ROLE, role).replace(PASSWORD, password))
    try:
        yield role, loader_url
    finally:
        execute(admin_url, f"DROP OWNED BY {role}")
        execute(admin_url, f"DROP ROLE {role}")


def test_the_least_privilege_role_loads_everything(pg_server: Any, tmp_path: Path) -> None:
    with (
        open_scenario(pg_server, tmp_path, seed=74, conversations=6, contacts=4) as scenario,
        loader_role(scenario.database_url) as (role, loader_url),
    ):
        admin_url = scenario.database_url
        scenario.run_ok(target={"database_url": loader_url})

        scenario.assert_exact()
        created = table_names(admin_url)
        owners = fetch(admin_url, TABLE_OWNERS)
        without_rls = fetch(admin_url, TABLES_WITHOUT_RLS)
        assert "intercom_conversations" in created
        assert owners == [(role,)]
        assert without_rls == []
        conversations = count_as(admin_url, "service_role", "intercom_conversations")
        assert conversations == len(scenario.fake.truth().conversations)
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            count_as(admin_url, "anon", "intercom_conversations")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            execute(loader_url, "CREATE SCHEMA readme_elsewhere")


def test_the_least_privilege_role_applies_the_schema_both_ways(
    pg_server: Any, tmp_path: Path
) -> None:
    """`apply-schema` and `schemas/supabase.sql` need no right to create schemas (the role has
    none), as long as the schema exists."""
    with (
        open_scenario(pg_server, tmp_path, seed=75, conversations=2, contacts=2) as scenario,
        loader_role(scenario.database_url) as (role, loader_url),
    ):
        config = write_json(tmp_path / "loader.json", {"database_url": loader_url})
        ops = [str(BIN_DIR / "target-supabase-ops"), "apply-schema", "--config", str(config)]
        done = subprocess.run(ops, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "intercom_conversations" in table_names(scenario.database_url)

        execute(loader_url, (REPO_ROOT / "schemas" / "supabase.sql").read_text())
        assert fetch(scenario.database_url, TABLE_OWNERS) == [(role,)]
