"""A throwaway copy of the Meltano project, with the plugins installed once, run like a user runs
Meltano."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_FILES = ["meltano.yml", "scripts/bootstrap.sh", "scripts/install.sh"]
PROJECT_FOLDERS = ["tap-intercom", "target-supabase", "webhooks", "schemas"]
USER_VARIABLES = ("INTERCOM_ACCESS_TOKEN", "SUPABASE_DB_URL")
# The fake workspace every Meltano test syncs: small, so that each run takes seconds.
WORKSPACE = {"seed": 11, "conversations": 12, "contacts": 15, "companies": 4, "tickets": 3}
TOKEN = "meltano-test-token"


def meltano_bin() -> str:
    found = os.environ.get("MELTANO_BIN") or str(REPO_ROOT / ".venv-meltano" / "bin" / "meltano")
    if not Path(found).exists():
        msg = f"Meltano not found at {found}: run `bash scripts/test.sh` (it installs Meltano)"
        raise RuntimeError(msg)
    return found


def copy_project(destination: Path) -> Path:
    """The files a user's checkout needs to sync, and the installed Meltano (a link: installing
    Meltano again would take minutes and test nothing of ours)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".meltano", "build", "dist")
    for name in PROJECT_FILES:
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, destination / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(REPO_ROOT / name, destination / name, ignore=ignore)
    (destination / ".venv-meltano").symlink_to(Path(meltano_bin()).parents[1])
    return destination


def clean_environment() -> dict[str, str]:
    """The caller's environment without anything that configures the plugins."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TAP_INTERCOM_", "TARGET_SUPABASE_", "MELTANO_"))
        and key not in USER_VARIABLES
        and key not in ("VIRTUAL_ENV", "PYTHONPATH")
    }


def install(root: Path) -> subprocess.CompletedProcess[str]:
    """`bash scripts/install.sh`, the README's one install command, in the project at `root`."""
    return subprocess.run(
        ["bash", str(root / "scripts" / "install.sh")],
        cwd=root,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@dataclass
class MeltanoProject:
    root: Path
    executable: str

    def run(
        self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """`meltano args...` in the project; fails the test with Meltano's output on error."""
        done = self.try_run(*args, env=env, timeout=timeout)
        assert done.returncode == 0, f"meltano {' '.join(args)} failed:\n{done.stderr[-6000:]}"
        return done

    def try_run(
        self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        full_env = clean_environment() | {"MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false"}
        return subprocess.run(
            [self.executable, *args],
            cwd=self.root,
            env=full_env | dict(env or {}),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
