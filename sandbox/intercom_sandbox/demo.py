"""The demo: fake Intercom → Meltano → local PostgreSQL, then the sync status and a few rows.

`bash scripts/demo.sh` runs `python -m intercom_sandbox.demo run`. The PostgreSQL server lives in
`.demo/postgres` on a fixed port and keeps running between runs, so the second run continues from
the state of the first: it is incremental, and says so.

    demo.sh status   what runs (the demo's PostgreSQL, a fake started alone) and how to reach it
    demo.sh fake     the fake Intercom alone, in the background, to try operations against
    demo.sh stop     stop both (the data stays in .demo/)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from intercom_sandbox.demo_database import DemoDatabase, DemoError
from intercom_sandbox.demo_fake import (
    FAKE_TOKEN,
    SAMPLE_WORKSPACE,
    add_failure_options,
    sample_fake,
)
from intercom_sandbox.demo_places import REPO_ROOT, DemoPlaces, next_run_number, say
from intercom_sandbox.demo_report import print_rows, run_summary
from intercom_sandbox.demo_services import start_fake_alone, status, stop

if TYPE_CHECKING:
    from intercom_sandbox.fake import FakeIntercom

DEMO_ENVIRONMENT = "demo"  # in meltano.yml
DEMO_STATE_JOB = "tap-intercom-to-target-supabase"  # Meltano's state id: <environment>:<this>
PLUGIN_ENV_PREFIXES = ("TAP_INTERCOM_", "TARGET_SUPABASE_", "MELTANO_")


def meltano_bin() -> str:
    return os.environ.get("MELTANO_BIN") or str(REPO_ROOT / ".venv-meltano" / "bin" / "meltano")


def meltano_env(places: DemoPlaces, database: DemoDatabase) -> dict[str, str]:
    """The caller's environment without settings that would point the demo elsewhere, and the
    demo's own (the same as the `demo` environment's unless moved)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PLUGIN_ENV_PREFIXES)}
    env.pop("INTERCOM_ACCESS_TOKEN", None)
    env.pop("SUPABASE_DB_URL", None)
    return env | {
        "MELTANO_ENVIRONMENT": DEMO_ENVIRONMENT,
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


def start_fake(port: int, run_number: int) -> FakeIntercom:
    """The sample workspace; from the second run on, changed as Intercom would change it."""
    fake, changes = sample_fake(port, run_number)
    try:
        url = fake.start()
    except OSError as error:
        msg = f"The fake Intercom cannot listen on port {port} ({error}): is another demo running?"
        raise DemoError(msg) from error
    if changes is not None:
        say(f"Changed the fake workspace since the last run: {describe_changes(changes)}")
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
    started = database.ensure_running()
    where = f"{database.describe()} (data in {database.folder})"
    say(
        f"Started the demo's PostgreSQL at {where}"
        if started
        else f"Using the demo's PostgreSQL at {where}"
    )
    previous_runs = database.finished_runs()
    if places.background_fake().stop() is not None:
        say("Stopped the fake Intercom started by `demo.sh fake`: the demo starts its own")
    fake = start_fake(places.fake_port, next_run_number(places.folder))
    try:
        if install:
            say("Installing the plugins (meltano install)")
            meltano(places, database, "install")
        meltano(places, database, *pipeline(places, database, previous_runs))
    finally:
        fake.stop()
    say("Sync status (meltano invoke target-supabase:status)")
    meltano(places, database, "invoke", "target-supabase:status")
    print_rows(database.url)
    print(run_summary(database))
    return 0


def pipeline(places: DemoPlaces, database: DemoDatabase, previous_runs: int) -> list[str]:
    """`meltano run` of the demo, announced as what it will be."""
    args = ["run", "tap-intercom", "target-supabase"]
    if not previous_runs:
        # A new database: whatever state Meltano kept (e.g. after `rm -rf .demo`) is ignored, or
        # the run would load only what changed since then.
        say("First sync into this database: everything (--full-refresh)")
        return [*args, "--full-refresh"]
    if has_saved_state(places, database):
        say("Running the sync again: incremental, from the state Meltano saved last time")
    else:
        say("Running the sync again, but Meltano saved no state for it: everything is read again")
    return args


def has_saved_state(places: DemoPlaces, database: DemoDatabase) -> bool:
    """Whether Meltano holds bookmarks for the demo's job (`meltano state get`)."""
    done = subprocess.run(
        [meltano_bin(), "state", "get", f"{DEMO_ENVIRONMENT}:{DEMO_STATE_JOB}"],
        cwd=places.project, env=meltano_env(places, database), capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    try:
        state = json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        return False
    return bool(state.get("singer_state", {}).get("bookmarks"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo.sh", description=__doc__.split("\n")[0])
    parser.add_argument(
        "action", nargs="?", choices=["run", "status", "fake", "stop"], default="run"
    )
    parser.add_argument("--skip-install", action="store_true", help="skip `meltano install`")
    add_failure_options(parser)
    args = parser.parse_args(argv)
    if args.action != "fake" and failure_args(args):
        parser.error("--deny, --fault-rate and --latency-ms go with `fake`")
    try:
        if args.action == "fake":
            return start_fake_alone(failure_args(args))
        if args.action == "status":
            return status()
        if args.action == "stop":
            return stop()
        return run(install=not args.skip_install)
    except DemoError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"demo: `{' '.join(map(str, error.cmd))}` failed (exit {error.returncode})")
        return 1


def failure_args(args: argparse.Namespace) -> list[str]:
    """The failure options given to `demo.sh fake`, as its server process takes them."""
    options = [f"--deny={resource}" for resource in args.deny]
    if args.fault_rate:
        options.append(f"--fault-rate={args.fault_rate}")
    if args.latency_ms:
        options.append(f"--latency-ms={args.latency_ms}")
    return options


if __name__ == "__main__":
    sys.exit(main())
