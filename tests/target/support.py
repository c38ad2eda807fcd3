"""Helpers for the target's tests: feed messages to the target, read what the database holds."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db_helpers import columns, fetch, sync_logs, tables
from target_supabase.target import TargetSupabase

__all__ = ["columns", "fetch", "sync_logs", "tables"]  # the suite's database helpers, re-used

TARGET_BIN = Path(sys.executable).parent / "target-supabase"
DATA_DIR = Path(__file__).parent / "data"


def schema_message(
    stream: str,
    properties: dict[str, Any],
    keys: Sequence[str] = (),
    replication_key: str | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "SCHEMA",
        "stream": stream,
        "key_properties": list(keys),
        "schema": {"type": "object", "properties": properties},
    }
    if replication_key:
        message["bookmark_properties"] = [replication_key]
    return message


def record(stream: str, **values: Any) -> dict[str, Any]:
    return {"type": "RECORD", "stream": stream, "record": values}


def state(value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "STATE", "value": value}


def as_lines(messages: Iterable[dict[str, Any] | str]) -> str:
    return "".join((m if isinstance(m, str) else json.dumps(m)) + "\n" for m in messages)


def run_in_process(config: dict[str, Any], messages: Iterable[dict[str, Any] | str]) -> list[Any]:
    """Run the target on `messages`; return the states it wrote to stdout."""
    out = io.StringIO()
    target = TargetSupabase(config=config, parse_env_config=False)
    with contextlib.redirect_stdout(out):
        target.listen(io.StringIO(as_lines(messages)))
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


@dataclass
class Finished:
    returncode: int
    states: list[Any]
    stderr: str
    stdout: str


def run_process(
    config: dict[str, Any], messages: Iterable[dict[str, Any] | str], tmp_path: Path
) -> Finished:
    """Run `target-supabase --config` as a process, as Meltano or a shell pipe would."""
    config_file = tmp_path / "target-config.json"
    config_file.write_text(json.dumps(config))
    done = subprocess.run(
        [str(TARGET_BIN), "--config", str(config_file)],
        input=as_lines(messages),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    states = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return Finished(done.returncode, states, done.stderr, done.stdout)
