"""The demo: fake Intercom → Meltano → local PostgreSQL, then the sync status and a few rows.

`bash scripts/demo.sh` runs `python -m intercom_sandbox.demo run`. The PostgreSQL server lives in
`.demo/postgres` on a fixed port and keeps running between runs, so the second run continues from
the state of the first: it is incremental, and says so. `bash scripts/demo.sh stop` stops it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from intercom_sandbox.demo_database import DEFAULT_PORT, DemoDatabase
from intercom_sandbox.demo_report import print_rows, run_summary

if TYPE_CHECKING:
    from intercom_sandbox.fake import FakeIntercom

REPO_ROOT = Path(__file__).resolve().parents[2]
FAKE_TOKEN = "demo-token"
SAMPLE_WORKSPACE = {
    "seed": 1,
    "conversations": 120,
    "contacts": 150,
    "companies": 20,
    "tickets": 10,
    "tags": 12,
    "huge_conversations": 1,
    "fully_linked_contacts": 2,  # more tags and companies than the 10 a contact embeds
}
PLUGIN_ENV_PREFIXES = ("TAP_INTERCOM_", "TARGET_SUPABASE_", "MELTANO_")


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


def say(text: str) -> None:
    print(f"\033[1m==> {text}\033[0m", flush=True)


def meltano_bin() -> str:
    return os.environ.get("MELTANO_BIN") or str(REPO_ROOT / ".venv-meltano" / "bin" / "meltano")


def meltano_env(places: DemoPlaces, database: DemoDatabase) -> dict[str, str]:
    """The caller's environment without settings that would point the demo elsewhere, and the
    demo's own (the same as the `demo` environment's unless moved)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PLUGIN_ENV_PREFIXES)}
    env.pop("INTERCOM_ACCESS_TOKEN", None)
    env.pop("SUPABASE_DB_URL", None)
    return env | {
        "MELTANO_ENVIRONMENT": "demo",
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "TAP_INTERCOM_API_URL": f"http://127.0.0.1:{places.fake_port}",
        "TAP_INTERCOM_ACCESS_TOKEN": FAKE_TOKEN,
        "TARGET_SUPABASE_DATABASE_URL": database.url,
    }


def meltano(places: DemoPlaces, database: DemoDatabase, *args: str) -> None:
    """Run Meltano in the project folder, its output (and the tap's progress) shown live, less
    the per-stream METRIC lines of the SDK."""
    print("$ meltano " + " ".join(args), flush=True)
    command = [meltano_bin(), *args]
    env = meltano_env(places, database)
    with subprocess.Popen(
        command, cwd=places.project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, errors="replace",
    ) as process:  # fmt: skip
        for line in process.stdout or []:
            if " METRIC " not in line:
                print(line, end="", flush=True)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)


def next_run_number(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    counter = folder / "runs"
    number = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(number))
    return number


def start_fake(port: int, run_number: int) -> FakeIntercom:
    """The sample workspace; from the second run on, changed as Intercom would change it."""
    from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

    fake = FakeIntercom(WorkspaceSpec(**SAMPLE_WORKSPACE), token=FAKE_TOKEN, port=port)
    url = fake.start()
    if run_number > 1:
        changes = describe_changes(fake.workspace.mutate(seed=run_number))
        say(f"Changed the fake workspace since the last run: {changes}")
    say(f"Fake Intercom at {url} ({SAMPLE_WORKSPACE['conversations']} conversations)")
    return fake


def describe_changes(summary: object) -> str:
    """`3 updated conversations, 2 new conversations, ...` from a mutation summary."""
    counts = [
        f"{len(value)} {name.replace('_', ' ')}"
        for name, value in vars(summary).items()
        if isinstance(value, (list, tuple, set, dict)) and value
    ]
    return ", ".join(counts) or "nothing"


def run(install: bool = True) -> int:
    places = DemoPlaces.from_env()
    database = places.database()
    say(f"Local PostgreSQL at {database.describe()} (data in {places.folder / 'postgres'})")
    database.ensure_running()
    previous_runs = database.finished_runs()
    fake = start_fake(places.fake_port, next_run_number(places.folder))
    try:
        if install:
            say("Installing the plugins (meltano install)")
            meltano(places, database, "install")
        if previous_runs:
            say("Running the sync again: INCREMENTAL, from the state Meltano saved last time")
        else:
            say("First sync: everything (no state yet)")
        meltano(places, database, "run", "tap-intercom", "target-supabase")
    finally:
        fake.stop()
    say("Sync status (meltano invoke target-supabase:status)")
    meltano(places, database, "invoke", "target-supabase:status")
    print_rows(database.url)
    print(run_summary(database, previous_runs))
    return 0


def stop() -> int:
    places = DemoPlaces.from_env()
    places.database().stop()
    say(f"Stopped the demo's PostgreSQL (its data stays in {places.folder}; delete it to reset)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo", description=__doc__.split("\n")[0])
    parser.add_argument("action", nargs="?", choices=["run", "stop"], default="run")
    parser.add_argument("--skip-install", action="store_true", help="skip `meltano install`")
    args = parser.parse_args(argv)
    if args.action == "stop":
        return stop()
    try:
        return run(install=not args.skip_install)
    except subprocess.CalledProcessError as error:
        print(f"demo: `{' '.join(map(str, error.cmd))}` failed (exit {error.returncode})")
        return 1


if __name__ == "__main__":
    sys.exit(main())
