"""A throwaway PgBouncer in transaction mode in front of a LocalPostgres.

Supabase's transaction pooler (Supavisor, port 6543) hands each transaction to any server
connection: no session state survives a COMMIT and named prepared statements break. PgBouncer in
`pool_mode = transaction` behaves the same way, so the target is tested through it.
https://supabase.com/docs/guides/database/connecting-to-postgres#supavisor-transaction-mode
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

from intercom_sandbox.postgres import (
    SUPERUSER,
    LocalPostgres,
    free_port,
    hand_to_postgres_user,
)


def find_pgbouncer() -> str:
    found = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    if not found:
        msg = "pgbouncer not found: install it (apt-get install pgbouncer)."
        raise RuntimeError(msg)
    return found


@dataclass
class LocalPgBouncer:
    """PgBouncer on 127.0.0.1:`port`, pooling every database of `server`."""

    server: LocalPostgres
    base_dir: Path
    port: int = 0
    pool_mode: str = "transaction"

    def __post_init__(self) -> None:
        self.base_dir = Path(self.base_dir).resolve()
        self.port = self.port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def url_for(self, database_url: str) -> str:
        """The same database as `database_url`, reached through the pooler."""
        parts = urlsplit(database_url)
        netloc = parts.netloc.rsplit("@", 1)
        host = f"127.0.0.1:{self.port}"
        netloc_out = f"{netloc[0]}@{host}" if len(netloc) == 2 else host
        return urlunsplit(parts._replace(netloc=netloc_out))

    def start(self) -> LocalPgBouncer:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        hand_to_postgres_user(self.base_dir)
        config = self._write_config()
        command = [find_pgbouncer(), str(config)]
        # PgBouncer refuses to run as root; run_as_postgres_user() is for short commands, so
        # build the same prefix for this long-running one.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        log = (self.base_dir / "pgbouncer.out").open("wb")
        self._process = subprocess.Popen([*prefix, *command], stdout=log, stderr=log)
        self._wait_until_ready()
        return self

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None

    def _write_config(self) -> Path:
        userlist = self.base_dir / "userlist.txt"
        userlist.write_text(f'"{SUPERUSER}" "{self.server.password}"\n')
        config = self.base_dir / "pgbouncer.ini"
        config.write_text(
            "\n".join(
                [
                    "[databases]",
                    f"* = host={self.server.host} port={self.server.port}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    f"unix_socket_dir = {self.base_dir}",
                    "auth_type = scram-sha-256",
                    f"auth_file = {userlist}",
                    f"pool_mode = {self.pool_mode}",
                    "max_client_conn = 200",
                    "default_pool_size = 10",
                    "ignore_startup_parameters = extra_float_digits,options",
                    f"logfile = {self.base_dir / 'pgbouncer.log'}",
                    f"pidfile = {self.base_dir / 'pgbouncer.pid'}",
                    "",
                ]
            )
        )
        for path in (userlist, config):
            hand_to_postgres_user(path)
            path.chmod(0o600)
        return config

    def _wait_until_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        url = self.url_for(self.server.superuser_url)
        while True:
            if self._process and self._process.poll() is not None:
                log = (self.base_dir / "pgbouncer.out").read_text(errors="replace")
                msg = f"pgbouncer exited at start: {log[-2000:]}"
                raise RuntimeError(msg)
            try:
                psycopg2.connect(url, connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
