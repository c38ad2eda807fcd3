"""`tap-intercom` run as a user runs it: a subprocess with a config file, its output parsed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acceptance.real_intercom import TOKEN, RealIntercom

BIN = Path(sys.executable).parent
TAP = BIN / "tap-intercom"


@dataclass
class TapRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.startswith("{")]

    def records(self, stream: str) -> list[dict[str, Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def by_id(self, stream: str, key: str) -> dict[str, dict[str, Any]]:
        return {str(record[key]): record for record in self.records(stream)}

    @property
    def states(self) -> list[dict[str, Any]]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def final_state(self) -> dict[str, Any]:
        return self.states[-1]

    def bookmark(self, stream: str) -> str | None:
        bookmark = self.final_state["bookmarks"].get(stream) or {}
        value: str | None = bookmark.get("replication_key_value")
        return value

    def warnings(self, containing: str = "") -> list[str]:
        return [
            line
            for line in self.stderr.splitlines()
            if " WARNING " in f" {line} ".replace("|", " ") and containing in line
        ]

    def describe(self) -> str:
        return f"exit {self.returncode}\n--- stderr (tail) ---\n{self.stderr[-3000:]}"


def config_for(fake: RealIntercom, **settings: Any) -> dict[str, Any]:
    return {"access_token": TOKEN, "api_url": fake.url, "max_workers": 4, **settings}


def tap_arguments(
    directory: Path, config: dict[str, Any], state: dict[str, Any] | None = None
) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config))
    arguments = [str(TAP), "--config", str(directory / "config.json")]
    if state is not None:
        (directory / "state.json").write_text(json.dumps(state))
        arguments += ["--state", str(directory / "state.json")]
    return arguments


def run_tap(
    directory: Path,
    config: dict[str, Any],
    state: dict[str, Any] | None = None,
    *extra: str,
    expect_success: bool = True,
) -> TapRun:
    result = subprocess.run(
        [*tap_arguments(directory, config, state), *extra],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )
    run = TapRun(result.returncode, result.stdout, result.stderr)
    if expect_success:
        assert run.returncode == 0, run.describe()
        assert "Traceback" not in run.stderr, run.describe()
    return run


def run_tap_reading_slowly(
    directory: Path,
    config: dict[str, Any],
    stop_reading_at: Callable[[dict[str, Any]], bool],
    while_stopped: Callable[[], None],
    stopped_seconds: float = 1.0,
) -> TapRun:
    """A run whose reader (a busy target) stops reading the tap's stdout at the first message
    `stop_reading_at` picks: the tap blocks as soon as the pipe is full. `while_stopped` runs
    then (e.g. lets the fake's clock pass a minute), and reading resumes `stopped_seconds` later."""
    errors = directory / "stderr.txt"
    lines: list[str] = []
    with errors.open("w") as stderr:
        tap = subprocess.Popen(
            tap_arguments(directory, config),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert tap.stdout is not None
        stopped = False
        for line in tap.stdout:
            lines.append(line)
            if not stopped and line.startswith("{") and stop_reading_at(json.loads(line)):
                stopped = True
                while_stopped()
                time.sleep(stopped_seconds)
        returncode = tap.wait(timeout=180)
    return TapRun(returncode, "".join(lines), errors.read_text())
