"""The demo's PostgreSQL: one server under `.demo/postgres` on a fixed port, reused between runs."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import psycopg2
from psycopg2 import sql

from intercom_sandbox.postgres import (
    SUPABASE_DATABASE_GRANTS_SQL,
    SUPABASE_ROLES_SQL,
    LocalPostgres,
    make_url,
)

# These match the `demo` environment in meltano.yml. The server listens on 127.0.0.1 only, so this
# password protects nothing real.
DEFAULT_PORT = 54329
PASSWORD = "demo"
DATABASE = "intercom_demo"
SYNC_LOG_TABLE = "intercom_sync_logs"


class DemoDatabase:
    def __init__(self, base_dir: Path, port: int = DEFAULT_PORT) -> None:
        self.server = LocalPostgres(base_dir=base_dir, port=port, password=PASSWORD)
        self.url = make_url("postgres", PASSWORD, "127.0.0.1", port, DATABASE)

    def describe(self) -> str:
        return f"postgresql://postgres:{PASSWORD}@127.0.0.1:{self.server.port}/{DATABASE}"

    def ensure_running(self) -> None:
        if not self._answers():
            self.server.start()
        self._create_database_once()

    def stop(self) -> None:
        self.server.stop()

    def finished_runs(self) -> int:
        """Successful syncs recorded so far (0 before the first)."""
        with closing(psycopg2.connect(self.url)) as conn, conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s)", (SYNC_LOG_TABLE,))
            if (cur.fetchone() or (None,))[0] is None:
                return 0
            cur.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE status = 'success'").format(
                    sql.Identifier(SYNC_LOG_TABLE)
                )
            )
            return int((cur.fetchone() or (0,))[0])

    def _answers(self) -> bool:
        try:
            psycopg2.connect(self.server.superuser_url, connect_timeout=3).close()
        except psycopg2.OperationalError:
            return False
        return True

    def _create_database_once(self) -> None:
        with closing(self.server.connect("postgres")) as admin, admin.cursor() as cur:
            cur.execute(SUPABASE_ROLES_SQL)
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
            if cur.fetchone():
                return
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
        with closing(psycopg2.connect(self.url)) as conn, conn.cursor() as cur:
            cur.execute(SUPABASE_DATABASE_GRANTS_SQL)
            conn.commit()
