"""Run `tap-intercom` as a user does (a subprocess) and read what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intercom_sandbox.fake import FakeIntercom

TAP = Path(sys.executable).parent / "tap-intercom"
TOKEN = "tap-test-token-7f3a9c"  # distinctive, so a leak would be found in any output


def config_for(fake: FakeIntercom, **settings: Any) -> dict[str, Any]:
    return {"access_token": fake.token, "api_url": fake.url, "max_workers": 4, **settings}


@dataclass
class TapOutput:
    messages: list[dict[str, Any]]
    stdout: str
    stderr: str
    returncode: int
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for message in self.messages:
            if message["type"] == "RECORD":
                self.records.setdefault(message["stream"], []).append(message["record"])

    @property
    def states(self) -> list[dict[str, Any]]:
        return [message["value"] for message in self.messages if message["type"] == "STATE"]


def parse_messages(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def write_inputs(
    directory: Path, config: dict[str, Any], state: dict[str, Any] | None = None
) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    config_file = directory / "config.json"
    config_file.write_text(json.dumps(config))
    args = ["--config", str(config_file)]
    if state is not None:
        state_file = directory / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    return args


def run_tap(
    directory: Path,
    config: dict[str, Any],
    state: dict[str, Any] | None = None,
    *extra: str,
    check: bool = True,
) -> TapOutput:
    args = write_inputs(directory, config, state)
    result = subprocess.run(
        [str(TAP), *args, *extra],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"tap failed ({result.returncode}):\n{result.stderr[-4000:]}")
    messages = parse_messages(result.stdout) if result.returncode == 0 or not check else []
    return TapOutput(messages, result.stdout, result.stderr, result.returncode)


def catalog_selecting(directory: Path, config: dict[str, Any], streams: set[str]) -> list[str]:
    """--catalog arguments selecting only the given streams."""
    discovered = subprocess.run(
        [str(TAP), *write_inputs(directory, config), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    )
    catalog = json.loads(discovered.stdout)
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] in streams
    catalog_file = directory / "catalog.json"
    catalog_file.write_text(json.dumps(catalog))
    return ["--catalog", str(catalog_file)]
