"""Where the demo lives (its folder, project and ports) and how it talks to the user."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from intercom_sandbox.demo_database import DEFAULT_PORT, DemoDatabase
from intercom_sandbox.demo_fake import BackgroundFake

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class DemoPlaces:
    """Where the demo runs. The defaults match the `demo` environment in meltano.yml; the tests
    move it elsewhere with INTERCOM_DEMO_* variables."""

    project: Path
    folder: Path
    fake_port: int
    postgres_port: int

    @classmethod
    def from_env(cls) -> DemoPlaces:
        env = os.environ.get
        return cls(
            project=Path(env("INTERCOM_DEMO_PROJECT") or REPO_ROOT),
            folder=Path(env("INTERCOM_DEMO_DIR") or REPO_ROOT / ".demo"),
            fake_port=int(env("INTERCOM_DEMO_FAKE_PORT") or 8765),
            postgres_port=int(env("INTERCOM_DEMO_POSTGRES_PORT") or DEFAULT_PORT),
        )

    def database(self) -> DemoDatabase:
        return DemoDatabase(self.folder / "postgres", self.postgres_port)

    def background_fake(self) -> BackgroundFake:
        """The fake started alone by `demo.sh fake`."""
        return BackgroundFake(self.folder, self.fake_port)


def say(text: str) -> None:
    print(f"\033[1m==> {text}\033[0m", flush=True)


def run_count(folder: Path) -> int:
    """Demo runs so far (the fake's workspace changes with each)."""
    counter = folder / "runs"
    return int(counter.read_text()) if counter.exists() else 0


def next_run_number(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    number = run_count(folder) + 1
    (folder / "runs").write_text(str(number))
    return number
