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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from intercom_sandbox.demo_database import DEFAULT_PORT, DemoDatabase, DemoError
from intercom_sandbox.demo_fake import (
    FAKE_TOKEN,
    SAMPLE_WORKSPACE,
    BackgroundFake,
    add_failure_options,
    sample_fake,
)
from intercom_sandbox.demo_report import print_rows, run_summary

if TYPE_CHECKING:
    from intercom_sandbox.fake import FakeIntercom

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_ENVIRONMENT = "demo"  # in meltano.yml
DEMO_STATE_JOB = "tap-intercom-to-target-supabase"  # Meltano's state id: <environment>:<this>
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


def run_count(folder: Path) -> int:
    """Demo runs so far (the fake's workspace changes with each)."""
    counter = folder / "runs"
    return int(counter.read_text()) if counter.exists() else 0


def next_run_number(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    number = run_count(folder) + 1
    (folder / "runs").write_text(str(number))
    return number


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


def background_fake(places: DemoPlaces) -> BackgroundFake:
    return BackgroundFake(places.folder, places.fake_port)


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
    if background_fake(places).stop() is not None:
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


def start_fake_alone(options: Sequence[str]) -> int:
    """The fake, detached, and the demo's database (the operations load into it)."""
    places = DemoPlaces.from_env()
    database = places.database()
    if database.ensure_running():
        say(f"Started the demo's PostgreSQL at {database.describe()}")
    fake = background_fake(places)
    pid = fake.running_pid()
    if pid is not None:
        say(f"The fake Intercom already runs at {fake.url} (pid {pid})")
        return 0
    pid = fake.start(max(run_count(places.folder), 1), options)
    say(f"Started the fake Intercom at {fake.url} (pid {pid}; log in {fake.log_file})")
    print(
        "It serves the workspace the last demo run loaded, with the token `demo-token`. Try, in\n"
        "the project folder (`meltano` is .venv-meltano/bin/meltano):\n"
        "  meltano --environment=demo run tap-intercom target-supabase\n"
        "with TAP_INTERCOM_CONVERSATION_IDS, TAP_INTERCOM_START_DATE/END_DATE or\n"
        "TAP_INTERCOM_HOURS_BACK set (see Operations in the README).\n"
        "Stop it with `bash scripts/demo.sh stop`."
    )
    return 0


def status() -> int:
    places = DemoPlaces.from_env()
    database = places.database()
    pid = database.running_pid()
    if pid is not None:
        runs = database.finished_runs()
        say(f"The demo's PostgreSQL runs (pid {pid}) at {database.describe()}")
        print(f"    data in {database.folder}; {runs} successful sync(s) so far")
    elif (database.folder / "data").exists():
        say(f"The demo's PostgreSQL is stopped (data in {database.folder}); `demo.sh` starts it")
    else:
        say("The demo's PostgreSQL does not exist yet: `bash scripts/demo.sh` creates it")
    fake = background_fake(places)
    fake_pid = fake.running_pid()
    if fake_pid is not None:
        say(f"The fake Intercom runs (pid {fake_pid}) at {fake.url} (log in {fake.log_file})")
    else:
        say("No fake Intercom runs: `bash scripts/demo.sh fake` starts one")
    return 0


def stop() -> int:
    places = DemoPlaces.from_env()
    database = places.database()
    fake_pid = background_fake(places).stop()
    if fake_pid is not None:
        say(f"Stopped the fake Intercom (pid {fake_pid})")
    pid = database.stop()
    if pid is not None:
        say(f"Stopped the demo's PostgreSQL (pid {pid}, port {database.server.port})")
        print(f"Its data stays in {database.folder}: `rm -rf {places.folder}` starts over.")
    if fake_pid is None and pid is None:
        say("Nothing to stop: neither the demo's PostgreSQL nor a fake Intercom was running")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo.sh", description=__doc__.split("\n")[0])
    parser.add_argument(
        "action", nargs="?", choices=["run", "status", "fake", "stop"], default="run"
    )
    parser.add_argument("--skip-install", action="store_true", help="skip `meltano install`")
    add_failure_options(parser)
    args = parser.parse_args(argv)
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
