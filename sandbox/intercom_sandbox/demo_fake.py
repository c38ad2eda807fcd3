"""The demo's fake Intercom, on its own: `bash scripts/demo.sh fake` starts it in the background,
serving the workspace the last demo run loaded, so that Intercom-side operations (one
conversation, a date range, a missing permission, failing requests) can be tried against the
demo database with `meltano --environment=demo ...`. `demo.sh stop` stops it.

`python -m intercom_sandbox.demo_fake --port P --runs N [options]` is the server process itself.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from intercom_sandbox.cli import wait_for_interrupt
from intercom_sandbox.demo_database import DemoError, port_in_use, process_exists

if TYPE_CHECKING:
    from intercom_sandbox.fake import FakeIntercom

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
START_TIMEOUT_SECONDS = 30.0


def sample_fake(port: int, run_number: int, **options: object) -> tuple[FakeIntercom, object]:
    """The sample workspace as the demo's run `run_number` sees it: from the second run on,
    changed as Intercom would change it. Returns the fake and the changes (or None)."""
    from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

    fake = FakeIntercom(WorkspaceSpec(**SAMPLE_WORKSPACE), token=FAKE_TOKEN, port=port, **options)
    changes = fake.workspace.mutate(seed=run_number) if run_number > 1 else None
    return fake, changes


@dataclass(frozen=True)
class BackgroundFake:
    """The fake started by `demo.sh fake`: its pid in `<folder>/fake.pid`, its log beside it."""

    folder: Path
    port: int

    @property
    def pid_file(self) -> Path:
        return self.folder / "fake.pid"

    @property
    def log_file(self) -> Path:
        return self.folder / "fake.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return None
        return pid if process_exists(pid) else None

    def start(self, run_number: int, options: Sequence[str]) -> int:
        """Start it detached; its pid once it answers. Fails loudly when the port is taken or
        the server dies (with the end of its log)."""
        if port_in_use(self.port):
            raise DemoError(
                f"Port {self.port} is already taken (by a running demo, or another program): "
                "stop it first (`bash scripts/demo.sh stop` stops the demo's)."
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "intercom_sandbox.demo_fake", "--port", str(self.port),
                   "--runs", str(run_number), *options]  # fmt: skip
        with self.log_file.open("w") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.pid_file.write_text(f"{process.pid}\n")
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not port_in_use(self.port):
            if process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log_file.read_text()[-2000:]
                raise DemoError(f"The fake Intercom did not start:\n{tail}")
            time.sleep(0.1)
        return process.pid

    def stop(self) -> int | None:
        """Stop it; its pid, or None when it was not running."""
        pid = self.running_pid()
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while process_exists(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)
        return pid


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="demo.sh fake", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    add_failure_options(parser)
    return parser.parse_args(argv)


def add_failure_options(parser: argparse.ArgumentParser) -> None:
    """What `demo.sh fake` accepts to make the fake fail the way Intercom can."""
    parser.add_argument(
        "--deny",
        action="append",
        default=[],
        metavar="RESOURCE",
        help="answer 401 token_unauthorized on this resource, as Intercom does for a token "
        "without its permission (e.g. tickets; repeatable)",
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.0,
        help="fraction of requests that fail as Intercom's can: a 5xx, a slow answer, a reset "
        "connection or a truncated body (e.g. 0.1)",
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="delay of every answer")


def main(argv: Sequence[str] | None = None) -> int:
    from intercom_sandbox.fake import FaultSpec

    args = parse_args(argv)
    fake, _ = sample_fake(
        args.port,
        args.runs,
        denied_resources=args.deny,
        faults=FaultSpec(rate=args.fault_rate),
        latency_ms=args.latency_ms,
    )
    print(fake.start(), flush=True)
    wait_for_interrupt()
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
