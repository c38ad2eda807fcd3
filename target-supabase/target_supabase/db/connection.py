"""Connections from settings, with secrets kept out of every message.

Works through Supabase's transaction pooler (port 6543, Supavisor): every statement runs inside an
explicit transaction, nothing is set per session, and psycopg2 never uses server-side prepared
statements. https://supabase.com/docs/guides/database/connecting-to-postgres
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

import psycopg2
import psycopg2.extensions
from singer_sdk.exceptions import ConfigValidationError

from target_supabase.db.background import Background
from target_supabase.secrets import ordered, scrub, spellings

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
APPLICATION_NAME = "target-supabase"
CONNECT_TIMEOUT_SECONDS = 30
URL_SCHEMES = ("postgresql", "postgres")
# Characters that end the user name or password of a URL unless percent-encoded (RFC 3986 3.2.1).
_URL_DELIMITERS = "@/?#"
__all__ = ["scrub"]  # re-exported: callers mask messages through this module


class DatabaseError(RuntimeError):
    """A database failure, its message already free of secrets."""


def connection_params(
    config: Mapping[str, Any], connect_timeout: int = CONNECT_TIMEOUT_SECONDS
) -> dict[str, Any]:
    """libpq keyword parameters from `database_url` or host/port/user/password/database.

    Without a `connect_timeout` (in the URL), libpq waits as long as the operating system does
    for a blocked port: about two minutes on Linux.
    """
    if config.get("database_url"):
        params: dict[str, Any] = parse_database_url(str(config["database_url"]))
    else:
        if not config.get("host"):
            msg = (
                "No database set: set database_url (the environment variable "
                "TARGET_SUPABASE_DATABASE_URL, or SUPABASE_DB_URL, read by Meltano's default "
                "environment), or host, user, password and database."
            )
            raise ConfigValidationError(msg, errors=[msg])
        params = {
            "host": config["host"],
            "port": config.get("port") or 5432,
            "user": config.get("user") or "postgres",
            "password": config.get("password") or "",
            "dbname": config.get("database") or "postgres",
        }
    if config.get("sslmode"):
        params["sslmode"] = config["sslmode"]
    elif "sslmode" not in params and not is_local(params.get("host", "")):
        params["sslmode"] = "require"
    params.setdefault("application_name", APPLICATION_NAME)
    params.setdefault("connect_timeout", connect_timeout)
    return params


def is_local(host: str) -> bool:
    """Loopback names and Unix socket folders: no TLS needed."""
    return all(part.strip() in LOCAL_HOSTS or part.startswith("/") for part in host.split(","))


def parse_database_url(url: str) -> dict[str, Any]:
    """libpq's parameters of a URL or key=value string; a string libpq would misread or whose
    error would quote it (and its password) is refused with a message that does not."""
    scheme, found, rest = url.partition("://")
    if found and scheme.lower() not in URL_SCHEMES:
        shown = scheme if scheme.isalnum() else "another scheme"
        _refuse(f"database_url must start with postgresql://, not {shown}://")
    if found and _unencoded_delimiter_in_userinfo(rest):
        _refuse(
            "database_url: the user name or password contains '@', '/', '?' or '#' that is not "
            "percent-encoded; write @ as %40, / as %2F, ? as %3F, # as %23 (or use the host, "
            "user and password settings)"
        )
    if not found and "@" in url:
        _refuse(
            "database_url has no scheme: write it as postgresql://user:password@host:5432/database"
        )
    try:
        return dict(psycopg2.extensions.parse_dsn(url))
    except psycopg2.Error:
        # libpq's message quotes the string, password included.
        _refuse(
            "database_url is neither a postgresql:// URL nor key=value settings that libpq can read"
        )


def _unencoded_delimiter_in_userinfo(rest: str) -> bool:
    """libpq ends the user info at the first '@' and the host at the first '/', '?' or '#':
    an '@' after that point, or a second one before it, belongs to an unencoded password."""
    end = min((i for i in map(rest.find, _URL_DELIMITERS[1:]) if i >= 0), default=len(rest))
    authority, after = rest[:end], rest[end:]
    return authority.count("@") > 1 or "@" in after


def _refuse(message: str) -> NoReturn:
    raise ConfigValidationError(message, errors=[message])


def secrets_of(config: Mapping[str, Any]) -> list[str]:
    """Every spelling of the password that could show up in a message, longest first (a URL is
    masked only where it holds the password; one of the wrong type, whole)."""
    found: list[str] = []
    for name in ("password", "database_url"):
        value = config.get(name)
        if value not in (None, "") and (name == "password" or not isinstance(value, str)):
            found += spellings(value)
    url = config.get("database_url")
    if isinstance(url, str):
        with suppress(psycopg2.Error):
            found += spellings(psycopg2.extensions.parse_dsn(url).get("password") or "")
    if isinstance(url, str) and "@" in url:
        # The password as the user meant it: everything between the user name and the last
        # '@' (libpq may have split it elsewhere).
        userinfo = (url.partition("://")[2] or url).rpartition("@")[0]
        found += spellings(userinfo.partition(":")[2])
    return ordered(found)


class Database:
    """One connection, used one explicit transaction at a time: by jobs handed to `later`, in
    order, on a worker thread, and by `transaction` callers, once those jobs are done."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self._params = connection_params(config)
        self._secrets = secrets_of(config)
        self._conn: psycopg2.extensions.connection | None = None
        self._background = Background()

    def later(self, job: Callable[[], None]) -> None:
        """Run `job` on the worker thread after the jobs before it; raises the failure of an
        earlier job."""
        self._background.submit(job)

    def wait(self) -> None:
        """Return once every job handed to `later` has run; raises the failure of one."""
        self._background.wait()

    def connect(self) -> psycopg2.extensions.connection:
        if self._conn is None or self._conn.closed:
            with self.errors_scrubbed("connecting to the database"):
                self._conn = psycopg2.connect(**self._params)
        return self._conn

    @contextmanager
    def transaction(
        self, timeout_seconds: int | None = None, what: str = "loading"
    ) -> Iterator[psycopg2.extensions.cursor]:
        """A cursor inside one transaction, committed at the end, rolled back on error."""
        self.wait()
        conn = self.connect()
        with self.errors_scrubbed(what):
            try:
                with conn.cursor() as cur:
                    if timeout_seconds is not None:
                        # 0 disables the timeout, whatever the role's or database's default.
                        cur.execute(
                            "SELECT set_config('statement_timeout', %s, true)",
                            (f"{int(timeout_seconds)}s",),
                        )
                    yield cur
                conn.commit()
            except BaseException:
                self._rollback_quietly()
                raise

    @contextmanager
    def errors_scrubbed(self, what: str) -> Iterator[None]:
        """Turn psycopg2 errors into DatabaseError with the password masked."""
        try:
            yield
        except psycopg2.Error as exc:
            detail = scrub(str(exc).strip() or type(exc).__name__, self._secrets)
            msg = f"Database error while {what}: {detail}"
            raise DatabaseError(msg) from None

    def close(self) -> None:
        self.stop_later_jobs()
        if self._conn is not None and not self._conn.closed:
            self._conn.close()
        self._conn = None

    def reset(self) -> None:
        """Forget a broken connection so that the next use opens a new one."""
        self.stop_later_jobs()
        if self._conn is not None:
            with suppress(psycopg2.Error):
                self._conn.close()
        self._conn = None

    def stop_later_jobs(self) -> BaseException | None:
        """Finish the jobs handed to `later` (none after one that failed); return the failure of
        one, if it was not raised yet."""
        return self._background.stop()

    def _rollback_quietly(self) -> None:
        conn = self._conn
        if conn is None or conn.closed:
            return
        try:
            conn.rollback()
        except psycopg2.Error:
            self.reset()


def validation_without_secrets(validate: Callable[[], list[str]], secrets: list[str]) -> list[str]:
    """The SDK's config validation, its messages free of secrets: a password given as a number or
    an object is quoted by the validator (`98765 is not of type 'string'`)."""
    try:
        errors = validate()
    except ConfigValidationError as exc:
        masked = [scrub(str(error), secrets) for error in exc.errors]
        raise ConfigValidationError(str(exc), errors=masked, schema=exc.schema) from None
    return [scrub(error, secrets) for error in errors]
