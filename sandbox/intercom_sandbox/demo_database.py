"""The demo's PostgreSQL: one server under `.demo/postgres` on a fixed port, reused between runs.

Only a server started from that folder is the demo's. Another one listening on the port (a
developer's own PostgreSQL, another checkout's demo) is never used, even if it accepts the demo's
password: the demo stops and says what to do.
"""

from __future__ import annotations

import os
import socket
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


class DemoError(RuntimeError):
    """Something the user must sort out before the demo can run; the message says what."""


class DemoDatabase:
    def __init__(self, base_dir: Path, port: int = DEFAULT_PORT) -> None:
        self.server = LocalPostgres(base_dir=base_dir, port=port, password=PASSWORD)
        self.url = make_url("postgres", PASSWORD, "127.0.0.1", port, DATABASE)

    def describe(self) -> str:
        return f"postgresql://postgres:{PASSWORD}@127.0.0.1:{self.server.port}/{DATABASE}"

    @property
    def folder(self) -> Path:
        return self.server.base_dir

    def running_pid(self) -> int | None:
        """The server started from the demo's folder, if it is running on the demo's port.

        PostgreSQL writes its pid on line 1 of `postmaster.pid` and its port on line 4
        (https://www.postgresql.org/docs/current/server-start.html).
        """
        try:
            lines = (self.server.data_dir / "postmaster.pid").read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, IndexError, ValueError):
            return None
        return pid if port == self.server.port and process_exists(pid) else None

    def ensure_running(self) -> bool:
        """Start the demo's server unless it runs; True when this call started it."""
        started = False
        if self.running_pid() is None:
            if port_in_use(self.server.port):
                raise DemoError(self._port_taken_message())
            self.server.start()
            started = True
        self._create_database_once()
        return started

    def stop(self) -> int | None:
        """Stop the demo's server; its pid, or None when it was not running."""
        pid = self.running_pid()
        if pid is not None:
            self.server.stop()
        return pid

    def _port_taken_message(self) -> str:
        port = self.server.port
        return (
            f"Port {port} is taken by a server the demo did not start (its own PostgreSQL keeps "
            f"its data in {self.folder}). The demo never uses a database it did not create: "
            f"stop that server, or run the demo on a free port, e.g. "
            f"`INTERCOM_DEMO_POSTGRES_PORT={port + 1} bash scripts/demo.sh`."
        )

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


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user (the `postgres` user, when not root)
        return True
    return True


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0
