"""A throwaway PostgreSQL server in a folder of our own, set up like a Supabase project.

Used by the tests, the demo and the benchmarks. It runs Debian's server binaries (`initdb`,
`pg_ctl`) on a loopback port. `initdb` refuses to run as root, so when we are root the server
runs as the `postgres` system user.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

SUPERUSER = "postgres"

# Supabase's API roles. On Supabase, `anon` and `authenticated` get table privileges in `public`
# through default privileges, so row level security is what keeps them out: we reproduce that,
# otherwise an RLS test would pass for the wrong reason.
# https://supabase.com/docs/guides/database/postgres/roles
SUPABASE_ROLES_SQL = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  END IF;
END
$$;
GRANT anon, authenticated, service_role TO postgres;
"""

SUPABASE_DATABASE_GRANTS_SQL = """
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
"""


def find_server_bin_dir() -> Path:
    """The folder holding `initdb` and `pg_ctl` (Debian keeps them out of PATH)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = candidates[0] if candidates else shutil.which("initdb")
    if not found:
        msg = "PostgreSQL server binaries not found: install them (apt-get install postgresql)."
        raise RuntimeError(msg)
    return Path(found).parent


def make_server_dir(prefix: str) -> Path:
    """A new folder the `postgres` user can reach (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    hand_to_postgres_user(path)
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_as_postgres_user(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a server binary, as the `postgres` user when we are root."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def hand_to_postgres_user(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, user="postgres", group="postgres")


def make_url(user: str, password: str, host: str, port: int, database: str) -> str:
    return f"postgresql://{quote(user)}:{quote(password, safe='')}@{host}:{port}/{quote(database)}"


def create_supabase_database(superuser_url: str, name: str) -> str:
    """(Re)create database `name` on the server of `superuser_url`, with Supabase's roles and
    grants; return the new database's URL."""
    admin = psycopg2.connect(superuser_url)
    admin.autocommit = True
    with closing(admin) as conn, conn.cursor() as cur:
        cur.execute(SUPABASE_ROLES_SQL)
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        cur.execute(drop.format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urlunsplit(urlsplit(superuser_url)._replace(path=f"/{quote(name)}"))
    with closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
        cur.execute(SUPABASE_DATABASE_GRANTS_SQL)
        conn.commit()
    return url


@dataclass
class LocalPostgres:
    """A PostgreSQL cluster under `base_dir`, listening on 127.0.0.1:`port`."""

    base_dir: Path
    port: int = 0
    password: str = field(default_factory=lambda: "pg-" + secrets.token_hex(12))
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        self.base_dir = Path(self.base_dir).resolve()
        self.port = self.port or free_port()
        self.bin_dir = find_server_bin_dir()

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "server.log"

    @property
    def superuser_url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return make_url(SUPERUSER, self.password, self.host, self.port, database)

    def start(self) -> LocalPostgres:
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        self._write_settings()
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log_file))
        self._wait_until_ready()
        with closing(self.connect("postgres")) as conn, conn.cursor() as cur:
            cur.execute(SUPABASE_ROLES_SQL)
        return self

    def stop(self, mode: str = "fast") -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._pg_ctl("stop", "-w", "-m", mode)

    def restart(self) -> None:
        """Restart the server: every open connection is cut, as in a Supabase restart."""
        self._pg_ctl("restart", "-w", "-m", "fast", "-l", str(self.log_file))
        self._wait_until_ready()

    def connect(self, database: str) -> psycopg2.extensions.connection:
        conn = psycopg2.connect(self.url_for(database))
        conn.autocommit = True
        return conn

    def create_database(self, name: str) -> str:
        """Create an empty database with Supabase's grants; return its URL."""
        return create_supabase_database(self.superuser_url, name)

    def _initdb(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        hand_to_postgres_user(self.base_dir)
        pwfile = self.base_dir / "pwfile"
        pwfile.write_text(self.password + "\n")
        hand_to_postgres_user(pwfile)
        try:
            run_as_postgres_user(
                [
                    str(self.bin_dir / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    SUPERUSER,
                    "--pwfile",
                    str(pwfile),
                    "--auth-host=scram-sha-256",
                    "--auth-local=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def _write_settings(self) -> None:
        settings = {
            "listen_addresses": f"'{self.host}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.base_dir}'",
            "max_connections": "200",
            # A throwaway server: durability buys nothing here and costs test time.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        lines = [f"{key} = {value}" for key, value in settings.items()]
        auto_conf = self.data_dir / "postgresql.auto.conf"
        auto_conf.write_text("\n".join(lines) + "\n")
        hand_to_postgres_user(auto_conf)

    def _pg_ctl(self, *args: str) -> None:
        run_as_postgres_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args])

    def _wait_until_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg2.connect(self.superuser_url, connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


@contextmanager
def throwaway_postgres(prefix: str) -> Iterator[LocalPostgres]:
    """A server started in a new temporary folder, stopped and deleted on exit."""
    server = LocalPostgres(base_dir=make_server_dir(prefix))
    server.start()
    try:
        yield server
    finally:
        server.stop(mode="immediate")
        shutil.rmtree(server.base_dir, ignore_errors=True)
