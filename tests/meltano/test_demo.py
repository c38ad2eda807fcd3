"""The README's first command: the demo syncs everything, then incrementally, and says so."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from intercom_sandbox.postgres import free_port, make_server_dir

from meltano.project import MeltanoProject, clean_environment

pytestmark = pytest.mark.slow  # each test runs Meltano (a few seconds a run)


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
    run_demo(env, "stop")
    shutil.rmtree(folder, ignore_errors=True)


def run_demo(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "intercom_sandbox.demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_demo_runs_twice_the_second_time_incrementally(demo_env: dict[str, str]) -> None:
    first = run_demo(demo_env, "--skip-install")

    assert "First sync: everything" in first
    assert "This run was full and ended success: 120 conversations" in first
    assert "intercom_conversations (the 5 most recent of 120)" in first
    assert "intercom_messages (the 5 most recent of" in first

    second = run_demo(demo_env, "--skip-install")

    assert "Changed the fake workspace since the last run" in second
    assert "Running the sync again: INCREMENTAL" in second
    assert "This run was incremental and ended success" in second
    status_lines = [line.split()[:2] for line in second.splitlines() if "success" in line]
    assert ["incremental", "success"] in status_lines
    assert ["full", "success"] in status_lines
    assert Path(demo_env["INTERCOM_DEMO_DIR"], "postgres", "data", "PG_VERSION").exists()
