"""The README's first command: the demo syncs everything, then incrementally, and says so; its
messages are true; it never adopts a PostgreSQL it did not start; `status`, `fake` and `stop`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from e2e.tables import fetch_rows, sync_logs
from intercom_sandbox.postgres import LocalPostgres, free_port, make_server_dir

from meltano.project import MeltanoProject, clean_environment

pytestmark = pytest.mark.slow  # each test runs Meltano (a few seconds a run)

DEMO_DATABASE = "intercom_demo"


@pytest.fixture
def demo_env(meltano_project: MeltanoProject) -> Iterator[dict[str, str]]:
    """The demo moved off its fixed ports and folder, into the installed project copy."""
    folder = make_server_dir("demo-")
    env = clean_environment() | {
        "MELTANO_BIN": meltano_project.executable,
        "INTERCOM_DEMO_PROJECT": str(meltano_project.root),
        "INTERCOM_DEMO_DIR": str(folder),
        "INTERCOM_DEMO_FAKE_PORT": str(free_port()),
        "INTERCOM_DEMO_POSTGRES_PORT": str(free_port()),
    }
    yield env
    demo(env, "stop")
    shutil.rmtree(folder, ignore_errors=True)


def demo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "intercom_sandbox.demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_demo(env: dict[str, str], *args: str) -> str:
    done = demo(env, *args)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def demo_url(env: dict[str, str]) -> str:
    return (
        f"postgresql://postgres:demo@127.0.0.1:{env['INTERCOM_DEMO_POSTGRES_PORT']}/{DEMO_DATABASE}"
    )


def test_the_demo_runs_twice_the_second_time_incrementally(demo_env: dict[str, str]) -> None:
    first = run_demo(demo_env, "--skip-install")

    assert "Started the demo's PostgreSQL at" in first
    assert "First sync into this database: everything" in first
    assert "This run was full and ended success: 120 conversations" in first
    assert "intercom_conversations (the 5 most recent of 120)" in first
    assert "intercom_messages (the 5 most recent of" in first
    assert f"psql {demo_url(demo_env)}" in first
    assert " 0:00:00 " not in first

    second = run_demo(demo_env, "--skip-install")

    assert "Using the demo's PostgreSQL at" in second
    assert "Changed the fake workspace since the last run" in second
    assert "Running the sync again: incremental" in second
    assert "This run was incremental and ended success" in second
    status_lines = [line.split()[:2] for line in second.splitlines() if "success" in line]
    assert ["incremental", "success"] in status_lines
    assert ["full", "success"] in status_lines
    assert Path(demo_env["INTERCOM_DEMO_DIR"], "postgres", "data", "PG_VERSION").exists()


def test_after_a_reset_the_first_run_reads_everything_whatever_state_meltano_kept(
    demo_env: dict[str, str],
) -> None:
    """`rm -rf .demo` leaves Meltano's state behind: the next run must not be incremental into
    an empty database (it would load only what changed), nor be called incremental."""
    run_demo(demo_env, "--skip-install")
    run_demo(demo_env, "stop")
    shutil.rmtree(Path(demo_env["INTERCOM_DEMO_DIR"], "postgres"))

    again = run_demo(demo_env, "--skip-install")

    assert "First sync into this database: everything" in again
    assert "This run was full and ended success" in again
    assert [log["sync_type"] for log in sync_logs(demo_url(demo_env))] == ["full"]
    assert len(fetch_rows(demo_url(demo_env), "intercom_conversations", ["conversation_id"])) >= 120


def test_status_and_stop_say_what_runs_and_what_they_stopped(demo_env: dict[str, str]) -> None:
    nothing = run_demo(demo_env, "status")
    assert "The demo's PostgreSQL does not exist yet" in nothing
    assert "No fake Intercom runs" in nothing
    assert "Nothing to stop" in run_demo(demo_env, "stop")

    fake = run_demo(demo_env, "fake", "--deny", "tickets")
    status = run_demo(demo_env, "status")
    stopped = run_demo(demo_env, "stop")

    assert "Started the demo's PostgreSQL" in fake
    assert "Started the fake Intercom at http://127.0.0.1:" in fake
    assert "The demo's PostgreSQL runs (pid " in status
    assert demo_url(demo_env) in status
    assert "The fake Intercom runs (pid " in status
    assert "Stopped the fake Intercom (pid " in stopped
    assert "Stopped the demo's PostgreSQL (pid " in stopped
    assert "Nothing to stop" in run_demo(demo_env, "stop")


def test_the_fake_alone_serves_operations_through_the_demo_environment(
    demo_env: dict[str, str], meltano_project: MeltanoProject, tmp_path: Path
) -> None:
    """After the demo: `demo.sh fake`, then one conversation with `meltano --environment=demo`
    (the README's operation), loaded into the demo's database."""
    run_demo(demo_env, "fake")
    env = {
        "TAP_INTERCOM_API_URL": f"http://127.0.0.1:{demo_env['INTERCOM_DEMO_FAKE_PORT']}",
        "TARGET_SUPABASE_DATABASE_URL": demo_url(demo_env),
        "TAP_INTERCOM_CONVERSATION_IDS": json.dumps(["215000000049"]),
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
    }
    meltano_project.run("--environment=demo", "run", "tap-intercom", "target-supabase", env=env)

    rows = fetch_rows(demo_url(demo_env), "intercom_conversations", ["conversation_id"])
    assert [row["conversation_id"] for row in rows] == ["215000000049"]
    assert [log["sync_type"] for log in sync_logs(demo_url(demo_env))] == ["conversations"]


def test_the_demo_never_adopts_a_postgresql_it_did_not_start(demo_env: dict[str, str]) -> None:
    """A server on the demo's port that even accepts the demo's password is someone else's."""
    foreign = LocalPostgres(
        base_dir=make_server_dir("foreign-"),
        port=int(demo_env["INTERCOM_DEMO_POSTGRES_PORT"]),
        password="demo",
    )
    foreign.start()
    try:
        done = demo(demo_env, "--skip-install")
        stop = run_demo(demo_env, "stop")
        with closing(foreign.connect("postgres")) as conn, conn.cursor() as cur:
            cur.execute("SELECT datname FROM pg_database")
            databases = {row[0] for row in cur.fetchall()}
    finally:
        foreign.stop(mode="immediate")
        shutil.rmtree(foreign.base_dir, ignore_errors=True)

    assert done.returncode == 1
    port = demo_env["INTERCOM_DEMO_POSTGRES_PORT"]
    assert f"Port {port} is taken by a server the demo did not start" in done.stderr
    assert f"INTERCOM_DEMO_POSTGRES_PORT={int(port) + 1}" in done.stderr
    assert DEMO_DATABASE not in databases
    assert "Nothing to stop" in stop
