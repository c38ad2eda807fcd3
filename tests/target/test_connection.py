"""Connection settings: TLS outside localhost, passwords masked, statement timeout per batch."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import psycopg2
import pytest
from target_supabase.db.connection import DatabaseError, connection_params, scrub, secrets_of

from target.intercom_messages import CONVERSATIONS, conversation
from target.support import run_in_process

SUPABASE_URL = (
    "postgresql://postgres.abc:s3cr%40t@aws-0-eu-west-1.pooler.supabase.com:6543/postgres"
)


def test_remote_hosts_default_to_sslmode_require() -> None:
    assert connection_params({"database_url": SUPABASE_URL})["sslmode"] == "require"
    remote = connection_params({"host": "db.abc.supabase.co", "password": "p"})
    assert remote["sslmode"] == "require"


def test_local_hosts_and_explicit_settings_keep_their_sslmode() -> None:
    assert "sslmode" not in connection_params({"host": "localhost"})
    assert "sslmode" not in connection_params({"database_url": "postgresql://u:p@127.0.0.1/db"})
    explicit = connection_params({"database_url": SUPABASE_URL, "sslmode": "verify-full"})
    assert explicit["sslmode"] == "verify-full"
    in_url = connection_params({"database_url": SUPABASE_URL + "?sslmode=disable"})
    assert in_url["sslmode"] == "disable"


def test_passwords_are_masked_in_any_spelling() -> None:
    secrets = secrets_of({"database_url": SUPABASE_URL})
    text = f"failed: {SUPABASE_URL} password=s3cr@t and s3cr%40t, dsn password='x y'"
    masked = scrub(text, secrets)
    assert "s3cr" not in masked
    assert "x y" not in masked
    assert "postgres.abc:********@aws-0-eu-west-1" in masked


def test_a_batch_waiting_longer_than_the_statement_timeout_fails(target_config) -> None:
    config = {**target_config, "statement_timeout_seconds": 1}
    run_in_process(config, [CONVERSATIONS, conversation("1", 1)])
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with contextlib.closing(psycopg2.connect(target_config["database_url"])) as conn:
            with conn.cursor() as cur:
                # Blocks writers only: the batch's INSERT waits, reading the catalog does not.
                cur.execute("LOCK TABLE intercom_conversations IN SHARE MODE")
                locked.set()
                release.wait(30)
            conn.rollback()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        locked.wait(10)
        with pytest.raises(DatabaseError, match="canceling statement due to statement timeout"):
            run_in_process(config, [CONVERSATIONS, conversation("2", 1)])
    finally:
        release.set()
        holder.join()


def test_a_server_that_never_answers_fails_within_the_connect_timeout() -> None:
    # The port accepts connections (the kernel's backlog) but nothing ever answers: without a
    # connect_timeout libpq would wait as long as the operating system does.
    assert connection_params({"host": "db.abc.supabase.co"})["connect_timeout"] == 30
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        url = f"postgresql://postgres:hunter2@127.0.0.1:{port}/postgres?connect_timeout=2"
        started = time.monotonic()
        with pytest.raises(DatabaseError, match="connecting to the database") as failure:
            run_in_process({"database_url": url}, [CONVERSATIONS, conversation("1", 1)])
        assert time.monotonic() - started < 20
    assert "hunter2" not in str(failure.value)
