"""Scenario 2 through Meltano: `meltano run tap-intercom target-supabase` is killed with SIGKILL
(Meltano, the tap and the target at once) at a seeded point; the next `meltano run` resumes from
the state Meltano stored and ends exact, and the killed run is never logged as a success.

Meltano owns the pipe between the plugins, so there is no byte stream to count here: the point is
a seeded number of conversations the target has committed, as its sync log row reports.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from meltano.project import MeltanoProject, clean_environment

from e2e.scenario import SMALL_WORKSPACE, Scenario

pytestmark = pytest.mark.slow  # Meltano adds seconds to every run


def meltano_env(scenario: Scenario, system_db: Path) -> dict[str, str]:
    return {
        **clean_environment(),
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "MELTANO_DATABASE_URI": f"sqlite:///{system_db}",
        "TAP_INTERCOM_API_URL": scenario.fake.url,
        "TAP_INTERCOM_ACCESS_TOKEN": scenario.fake.token,
        "TAP_INTERCOM_PAGE_SIZE": "10",
        "TARGET_SUPABASE_DATABASE_URL": scenario.database_url,
        "TARGET_SUPABASE_CHECKPOINT_ROWS": "1",
    }


def committed_conversations(scenario: Scenario) -> int:
    log = scenario.sync_log()
    return int(log[-1]["conversations_synced"] or 0) if log else 0


def meltano_stored_a_conversations_bookmark(system_db: Path) -> bool:
    """Whether Meltano's system database holds a state with a conversations bookmark.

    Meltano persists each STATE line the target prints, but a moment after the target committed
    the rows it covers: killing in between is a legitimate crash that restarts from scratch, not
    the resume this test is about."""
    if not system_db.exists():
        return False
    try:
        with sqlite3.connect(f"file:{system_db}?mode=ro", uri=True, timeout=1) as connection:
            rows = connection.execute("SELECT partial_state, completed_state FROM state").fetchall()
    except sqlite3.Error:  # the table is created by Meltano's first migration
        return False
    for row in rows:
        for stored in row:
            singer_state = json.loads(stored or "{}").get("singer_state", {})
            bookmark = singer_state.get("bookmarks", {}).get("conversations", {})
            if bookmark.get("replication_key_value"):
                return True
    return False


def run_meltano_killed_after(
    project: MeltanoProject, env: dict[str, str], scenario: Scenario, conversations: int
) -> int | None:
    """`meltano run`, SIGKILLed with its whole process group once the target has committed
    `conversations` conversations and Meltano has stored a conversations bookmark; the exit
    code, or None when it was killed."""
    system_db = Path(env["MELTANO_DATABASE_URI"].removeprefix("sqlite:///"))
    args = [project.executable, "run", "tap-intercom", "target-supabase"]
    log = scenario.workdir / "meltano-killed.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            args,
            cwd=project.root,
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if committed_conversations(scenario) >= conversations and (
            meltano_stored_a_conversations_bookmark(system_db)
        ):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None
        time.sleep(0.02)
    return process.wait(timeout=5)


def test_meltano_run_killed_mid_sync_resumes_from_its_stored_state(
    scenario_factory: Callable[..., Scenario],
    meltano_project: MeltanoProject,
    tmp_path: Path,
) -> None:
    # A little latency keeps the run going for a while after the kill point is reached.
    scenario = scenario_factory(seed=81, latency_ms=20, **SMALL_WORKSPACE)
    env = meltano_env(scenario, tmp_path / "meltano.db")
    live = len(scenario.fake.truth().conversations)
    kill_at = random.Random(81).randrange(1, live * 3 // 4)

    exit_code = run_meltano_killed_after(meltano_project, env, scenario, kill_at)
    log = (scenario.workdir / "meltano-killed.log").read_text(errors="replace")
    assert exit_code is None, f"the run ended (exit {exit_code}) before the kill:\n{log[-3000:]}"
    assert scenario.differences(), "the killed run stopped mid-sync"
    # Meltano still sees the killed job as running until its heartbeat is 5 minutes stale; a user
    # restarting at once says --force (Meltano's own message says so).
    done = meltano_project.try_run("run", "--force", "tap-intercom", "target-supabase", env=env)
    assert done.returncode == 0, done.stderr[-4000:]

    assert not scenario.differences()
    statuses = [row["status"] for row in scenario.sync_log()]
    assert statuses[-1] == "success"
    assert set(statuses[:-1]) <= {"incomplete", "failed"}, statuses
    resumed = scenario.sync_log()[-1]
    assert resumed["conversations_synced"] < live, "the next run resumed from Meltano's state"
