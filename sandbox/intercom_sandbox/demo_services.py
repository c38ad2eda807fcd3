"""`demo.sh fake`, `status` and `stop`: the demo's servers outside a demo run."""

from __future__ import annotations

from collections.abc import Sequence

from intercom_sandbox.demo_places import DemoPlaces, run_count, say


def start_fake_alone(options: Sequence[str]) -> int:
    """The fake, detached, and the demo's database (the operations load into it)."""
    places = DemoPlaces.from_env()
    database = places.database()
    if database.ensure_running():
        say(f"Started the demo's PostgreSQL at {database.describe()}")
    fake = places.background_fake()
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
    fake = places.background_fake()
    fake_pid = fake.running_pid()
    if fake_pid is not None:
        say(f"The fake Intercom runs (pid {fake_pid}) at {fake.url} (log in {fake.log_file})")
    else:
        say("No fake Intercom runs: `bash scripts/demo.sh fake` starts one")
    return 0


def stop() -> int:
    places = DemoPlaces.from_env()
    database = places.database()
    fake_pid = places.background_fake().stop()
    if fake_pid is not None:
        say(f"Stopped the fake Intercom (pid {fake_pid})")
    pid = database.stop()
    if pid is not None:
        say(f"Stopped the demo's PostgreSQL (pid {pid}, port {database.server.port})")
        print(f"Its data stays in {database.folder}: `rm -rf {places.folder}` starts over.")
    if fake_pid is None and pid is None:
        say("Nothing to stop: neither the demo's PostgreSQL nor a fake Intercom was running")
    return 0
