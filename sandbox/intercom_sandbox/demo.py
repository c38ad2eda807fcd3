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
from pathlib import Path
from typing import TYPE_CHECKING

from intercom_sandbox.demo_database import DemoDatabase
from intercom_sandbox.demo_report import print_rows, run_summary

if TYPE_CHECKING:
    from intercom_sandbox.fake import FakeIntercom

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO_ROOT / ".demo"
# These match the `dev` environment in meltano.yml.
FAKE_PORT = 8765
FAKE_TOKEN = "demo-token"
SAMPLE_WORKSPACE = {
    "seed": 1,
    "conversations": 120,
    "contacts": 150,
    "companies": 20,
    "tickets": 10,
    "huge_conversations": 1,
}
PLUGIN_ENV_PREFIXES = ("TAP_INTERCOM_", "TARGET_SUPABASE_", "MELTANO_")


def say(text: str) -> None:
    print(f"\033[1m==> {text}\033[0m", flush=True)


def meltano_bin() -> str:
    return os.environ.get("MELTANO_BIN") or str(REPO_ROOT / ".venv-meltano" / "bin" / "meltano")


def meltano_env() -> dict[str, str]:
    """The caller's environment without settings that would point the demo elsewhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PLUGIN_ENV_PREFIXES)}
    env.pop("INTERCOM_ACCESS_TOKEN", None)
    env.pop("SUPABASE_DB_URL", None)
    return env | {"MELTANO_ENVIRONMENT": "dev", "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false"}


def meltano(*args: str) -> None:
    """Run Meltano in the project folder, its output (and the tap's progress) live."""
    command = [meltano_bin(), *args]
    print("$ meltano " + " ".join(args), flush=True)
    subprocess.run(command, cwd=REPO_ROOT, env=meltano_env(), check=True)


def next_run_number() -> int:
    DEMO_DIR.mkdir(exist_ok=True)
    counter = DEMO_DIR / "runs"
    number = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(number))
    return number


def start_fake(run_number: int) -> FakeIntercom:
    """The sample workspace; from the second run on, changed as Intercom would change it."""
    from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

    fake = FakeIntercom(WorkspaceSpec(**SAMPLE_WORKSPACE), token=FAKE_TOKEN, port=FAKE_PORT)
    url = fake.start()
    if run_number > 1:
        changed = fake.workspace.mutate(seed=run_number)
        say(f"Changed the fake workspace since the last run: {changed}")
    say(f"Fake Intercom at {url} ({SAMPLE_WORKSPACE['conversations']} conversations)")
    return fake


def run(install: bool = True) -> int:
    database = DemoDatabase(DEMO_DIR / "postgres")
    say(f"Local PostgreSQL at {database.describe()} (data in .demo/postgres)")
    database.ensure_running()
    previous_runs = database.finished_runs()
    run_number = next_run_number()
    fake = start_fake(run_number)
    try:
        if install:
            say("Installing the plugins (meltano install)")
            meltano("install")
        if previous_runs:
            say("Running the sync again: INCREMENTAL, from the state Meltano saved last time")
        else:
            say("First sync: everything (no state yet)")
        meltano("run", "tap-intercom", "target-supabase")
    finally:
        fake.stop()
    say("Sync status (meltano invoke target-supabase:status)")
    meltano("invoke", "target-supabase:status")
    print_rows(database.url)
    print(run_summary(database, previous_runs))
    return 0


def stop() -> int:
    DemoDatabase(DEMO_DIR / "postgres").stop()
    say("Stopped the demo's PostgreSQL (its data stays in .demo/; delete the folder to reset)")
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
