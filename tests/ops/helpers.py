"""Running the operator commands the way a user does: as programs, reading their output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

OPS_MODULE = "target_supabase.ops.cli"
CHECK_MODULE = "tap_intercom.connection_check"


def write_config(directory: Path, name: str, config: Mapping[str, Any]) -> Path:
    path = directory / name
    path.write_text(json.dumps(config))
    return path


def run_module(
    module: str,
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m module args...` with a clean plugin environment plus `env`."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TAP_INTERCOM_", "TARGET_SUPABASE_"))
        and key not in ("INTERCOM_ACCESS_TOKEN", "SUPABASE_DB_URL")
    }
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**base, **(env or {})},
        input=stdin,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
