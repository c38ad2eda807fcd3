"""One workspace, one database, and the runs between them, as a user of Meltano would see them.

`Scenario.run()` writes the tap's and the target's config files, passes the state persisted by the
previous run (the last complete STATE line the target printed, which is what Meltano stores, even
for a failed run), and keeps every run's result.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

from e2e.checkpoints import uncommitted_but_covered
from e2e.compare import all_differences
from e2e.pipeline import PipeEvent, RunResult, run_pipeline, tap_command, target_command
from e2e.sync_log_check import successful_run_problems
from e2e.tables import sync_logs

# Small pages give a small workspace many checkpoints, hence many places to be killed at.
DEFAULT_TAP_SETTINGS: dict[str, Any] = {"api_version": "2.16", "page_size": 10, "max_workers": 4}
# Checkpoint at every STATE that follows a record: the most places for a kill to land between.
DEFAULT_TARGET_SETTINGS: dict[str, Any] = {"batch_size_rows": 100, "checkpoint_rows": 1}

# A small workspace of every kind of object: seconds per run, yet several pages per stream.
SMALL_WORKSPACE: dict[str, Any] = {
    "conversations": 40,
    "contacts": 30,
    "companies": 12,
    "tickets": 6,
    "admins": 4,
    "teams": 2,
    "tags": 12,
    "segments": 3,
    "fully_linked_contacts": 2,  # more tags and companies than the 10 a contact embeds
}


_database_numbers = itertools.count(1)
FAKE_OPTIONS = (
    "token",
    "rate_limit_per_10s",
    "latency_ms",
    "faults",
    "denied_resources",
    "outages",
    "failed_scroll_requests",
)
# A token recognisable in output, so that tests can prove it is never printed.
E2E_TOKEN = "e2e-secret-token-7f3a9c"


@contextmanager
def open_scenario(pg_server: Any, workdir: Path, **kwargs: Any) -> Iterator[Scenario]:
    """A started fake Intercom (WorkspaceSpec fields and FakeIntercom options in `kwargs`) and a
    fresh database with Supabase's roles."""
    options = {name: kwargs.pop(name) for name in FAKE_OPTIONS if name in kwargs}
    options.setdefault("token", E2E_TOKEN)
    database_url = pg_server.create_database(f"e2e_{os.getpid()}_{next(_database_numbers)}")
    with FakeIntercom(WorkspaceSpec(**kwargs), **options) as fake:
        yield Scenario(fake=fake, database_url=database_url, workdir=workdir)


@dataclass
class Scenario:
    fake: FakeIntercom
    database_url: str
    workdir: Path
    tap_settings: dict[str, Any] = field(default_factory=dict)
    target_settings: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] | None = None
    runs: list[RunResult] = field(default_factory=list)

    def tap_config(self, **overrides: Any) -> dict[str, Any]:
        """The tap's settings; an override of None removes that setting."""
        base = {"access_token": self.fake.token, "api_url": self.fake.url}
        return without_nones({**base, **DEFAULT_TAP_SETTINGS, **self.tap_settings, **overrides})

    def target_config(self, **overrides: Any) -> dict[str, Any]:
        """The target's settings; an override of None removes that setting."""
        base = {"database_url": self.database_url}
        merged = {**base, **DEFAULT_TARGET_SETTINGS, **self.target_settings, **overrides}
        return without_nones(merged)

    def run(
        self,
        events: Sequence[PipeEvent] = (),
        tap: dict[str, Any] | None = None,
        target: dict[str, Any] | None = None,
        timeout_seconds: float = 300,
    ) -> RunResult:
        folder = self.workdir / f"run{len(self.runs) + 1}"
        folder.mkdir(parents=True)
        state_file = None
        if self.state is not None:
            state_file = write_json(folder / "state.json", self.state)
        tap_file = write_json(folder / "tap.json", self.tap_config(**(tap or {})))
        target_file = write_json(folder / "target.json", self.target_config(**(target or {})))
        result = run_pipeline(
            folder,
            tap_command(tap_file, state_file),
            target_command(target_file),
            events=events,
            timeout_seconds=timeout_seconds,
        )
        if result.last_state is not None:
            self.state = result.last_state
        self.runs.append(result)
        self.assert_no_secret_printed(result)
        return result

    def assert_no_secret_printed(self, result: RunResult) -> None:
        """Whatever happened in the run, neither the token nor the password was printed."""
        printed = result.tap_stderr + result.target_stderr + json.dumps(result.states)
        secrets = {"access token": self.fake.token}
        secrets["database password"] = urlsplit(self.database_url).password or ""
        leaked = [name for name, secret in secrets.items() if secret and secret in printed]
        assert not leaked, f"printed the {' and the '.join(leaked)}"

    def run_ok(self, **kwargs: Any) -> RunResult:
        result = self.run(**kwargs)
        assert result.succeeded, result.describe()
        return result

    def differences(self) -> list[str]:
        return all_differences(self.database_url, self.fake.truth())

    def assert_exact(self) -> None:
        """The tables equal Intercom's truth, and the sync log tells the truth about each run."""
        problems = self.differences()
        assert not problems, "tables differ from Intercom's truth:\n" + "\n".join(problems)
        self.assert_sync_log_truthful()

    def assert_sync_log_truthful(self) -> None:
        """Every successful run's sync log row matches what its tap sent."""
        log = self.sync_log()
        problems = [
            problem
            for result in self.runs
            if result.succeeded
            for problem in successful_run_problems(log, result.tap_output)
        ]
        assert not problems, "\n".join(problems)

    def checkpoint_problems(self, result: RunResult) -> list[str]:
        """Records covered by the run's last confirmed state but not committed."""
        if result.last_state is None:
            return []
        return uncommitted_but_covered(self.database_url, result.tap_output, result.last_state)

    def sync_log(self) -> list[dict[str, Any]]:
        return sync_logs(self.database_url)

    def statuses(self) -> list[str]:
        return [row["status"] for row in self.sync_log()]

    def tap_output_lines(self) -> list[str]:
        """The lines of a complete run of the tap alone from the current state."""
        folder = self.workdir / f"lines{len(self.runs)}"
        folder.mkdir(parents=True)
        state_file = None
        if self.state is not None:
            state_file = write_json(folder / "state.json", self.state)
        args = tap_command(write_json(folder / "tap.json", self.tap_config()), state_file)
        done = subprocess.run(args, capture_output=True, check=True, text=True, timeout=300)
        return done.stdout.splitlines()

    def tap_output_bytes(self) -> int:
        """Size of a complete run's tap output from the current state (the tap alone)."""
        folder = self.workdir / f"measure{len(self.runs)}"
        folder.mkdir(parents=True)
        state_file = None
        if self.state is not None:
            state_file = write_json(folder / "state.json", self.state)
        args = tap_command(write_json(folder / "tap.json", self.tap_config()), state_file)
        done = subprocess.run(args, capture_output=True, check=True, timeout=300)
        return len(done.stdout)


def without_nones(settings: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in settings.items() if value is not None}


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path
