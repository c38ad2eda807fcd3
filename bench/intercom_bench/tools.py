"""Where the contenders' programs are: ours in the project's virtualenv, the peers in their own
virtualenvs under bench/.work/ (made by bench/run.sh from the package registry)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = REPO_ROOT / "bench"
DEFAULT_WORK_DIR = BENCH_DIR / ".work"
LAUNCHER = Path(__file__).resolve().parent / "singerio_launcher.py"

TARGET_POSTGRES_PACKAGE = "meltanolabs-target-postgres"
SINGERIO_TAP_PACKAGE = "tap-intercom"


@dataclass(frozen=True)
class Tools:
    work_dir: Path
    project_venv: Path = REPO_ROOT / ".venv"

    @property
    def target_supabase(self) -> Path:
        return self.project_venv / "bin" / "target-supabase"

    @property
    def tap_intercom(self) -> Path:
        return self.project_venv / "bin" / "tap-intercom"

    @property
    def target_postgres_venv(self) -> Path:
        return self.work_dir / "venv-target-postgres"

    @property
    def singerio_venv(self) -> Path:
        return self.work_dir / "venv-singerio-tap-intercom"

    @property
    def target_postgres(self) -> Path | None:
        path = self.target_postgres_venv / "bin" / "target-postgres"
        return path if path.exists() else None

    @property
    def singerio_python(self) -> Path | None:
        python = self.singerio_venv / "bin" / "python"
        has_tap = (self.singerio_venv / "bin" / "tap-intercom").exists()
        return python if python.exists() and has_tap else None


def package_version(venv: Path, package: str) -> str:
    """The installed version of `package` in `venv`, or 'absent'."""
    python = venv / "bin" / "python"
    if not python.exists():
        return "absent"
    code = "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))"
    found = subprocess.run(
        [str(python), "-c", code, package], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() if found.returncode == 0 else "absent"


def versions(tools: Tools) -> dict[str, str]:
    return {
        "tap-intercom (ours)": package_version(tools.project_venv, "tap-intercom-supabase"),
        "target-supabase (ours)": package_version(tools.project_venv, "target-supabase"),
        "singer-sdk (ours)": package_version(tools.project_venv, "singer-sdk"),
        TARGET_POSTGRES_PACKAGE: package_version(
            tools.target_postgres_venv, TARGET_POSTGRES_PACKAGE
        ),
        "singer-io tap-intercom": package_version(tools.singerio_venv, SINGERIO_TAP_PACKAGE),
        "singer-python (singer-io tap)": package_version(tools.singerio_venv, "singer-python"),
    }


def write_config(path: Path, config: dict[str, object]) -> Path:
    """A config file readable by its owner only (it holds a password or a token)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(json.dumps(config, indent=2))
    return path


def code_state(paths: tuple[str, ...] = ("tap-intercom", "target-supabase")) -> str:
    """The last commit touching our tap and target, and whether their files differ from it (the
    packages are installed editable, so the code measured is the working tree's)."""
    git = ["git", "-C", str(REPO_ROOT)]
    last = subprocess.run(
        [*git, "log", "-1", "--format=%h %cI", "--", *paths],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", *paths], capture_output=True, text=True, check=False
    ).stdout.strip()
    return f"{last or 'unknown'}{' + uncommitted changes' if dirty else ''}"
