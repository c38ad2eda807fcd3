"""`bash bench/freshness.sh`: how fresh the webhook receiver keeps the tables (issue 17).

A throwaway PostgreSQL and a fake Intercom (100 ms per request, 10,000 requests a minute, in
10-second windows as Intercom counts them); one full sync; then the receiver, started as a user
starts it (`intercom-webhooks`, its own process, default settings). At each rate, changes are made
in the fake at a steady pace, each followed by its signed notification; the time from a change to
its updated row is measured (p50, p95). The section "Freshness (webhooks)" of bench/RESULTS.md is
replaced with the results; the rest of the file is left as it is.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

from intercom_bench.databases import bench_postgres, fresh_database, server_version
from intercom_bench.freshness_load import Load, Watcher
from intercom_bench.freshness_report import PhaseResult, Report, replace_section
from intercom_bench.machine import describe_machine, load_average
from intercom_bench.tools import BENCH_DIR, code_state, write_config

BIN = Path(sys.executable).parent
SECRET = "bench-client-secret-5d1e"
TOKEN = "bench-token-freshness"
LIMIT_PER_10S = 1666  # a private app's 10,000 a minute
WORKSPACE = WorkspaceSpec(seed=17, conversations=300, contacts=900, companies=120, tickets=5)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/freshness.sh", description=__doc__)
    parser.add_argument("--rates", default="10,100", help="changes per second, e.g. 10,100")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each rate's run")
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--work-dir", type=Path, default=BENCH_DIR / ".work" / "freshness")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "RESULTS.md")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[freshness] {message}", file=sys.stderr, flush=True)


def full_sync(work: Path, tap: Path, target: Path) -> None:
    with (work / "sync.log").open("w") as errors:
        producer = subprocess.Popen(
            [str(BIN / "tap-intercom"), "--config", str(tap)],
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        consumer = subprocess.run(
            [str(BIN / "target-supabase"), "--config", str(target)],
            stdin=producer.stdout,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            check=False,
        )
        producer.wait()
    if producer.returncode or consumer.returncode:
        sys.exit(f"the first sync failed: see {work / 'sync.log'}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def receiver(work: Path, tap: Path, target: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {**os.environ, "INTERCOM_CLIENT_SECRET": SECRET}
    command = [str(BIN / "intercom-webhooks"), "--config", str(target), "--tap-config", str(tap)]
    with (work / "receiver.log").open("w") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=output, stderr=output
        )
        try:
            _wait_healthy(port, process)
            yield f"http://127.0.0.1:{port}/webhooks/intercom", process.pid
        finally:
            process.terminate()
            process.wait(timeout=60)


def _wait_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the receiver stopped: see receiver.log")
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    sys.exit("the receiver did not start within 60 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fetch_requests(fake: FakeIntercom) -> int:
    paths = fake.stats.requests_by_path
    return sum(n for p, n in paths.items() if p.count("/") == 2 and "search" not in p)


def run_phase(fake: FakeIntercom, load: Load, pid: int, rate: float, seconds: float) -> PhaseResult:
    requests_before, throttled_before = fetch_requests(fake), fake.stats.rate_limited
    cpu_before, started = cpu_seconds(pid), time.monotonic()
    with Watcher(load.database_url) as watcher:
        changes = load.run(rate, seconds, watcher)
        left = watcher.wait(timeout=120)
    elapsed = time.monotonic() - started
    return PhaseResult(
        rate=rate,
        seconds=seconds,
        changes=changes,
        unseen=left,
        fetch_requests=fetch_requests(fake) - requests_before,
        throttled=fake.stats.rate_limited - throttled_before,
        elapsed=elapsed,
        receiver_cpu=cpu_seconds(pid) - cpu_before,
        load_after=load_average(),
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    command = "bash bench/freshness.sh" + (f" {' '.join(argv)}" if argv else "")
    report = Report(
        command=command,
        machine=describe_machine(),
        code=code_state(("webhooks", "tap-intercom", "target-supabase")),
    )
    fake_options: dict[str, Any] = {"token": TOKEN, "latency_ms": args.latency_ms}
    with (
        bench_postgres() as server,
        FakeIntercom(WORKSPACE, rate_limit_per_10s=LIMIT_PER_10S, **fake_options) as fake,
    ):
        database_url = fresh_database(server, "freshness")
        report.postgres = server_version(database_url)
        tap = write_config(args.work_dir / "tap.json", {"access_token": TOKEN, "api_url": fake.url})
        target = write_config(args.work_dir / "target.json", {"database_url": database_url})
        log("first sync of the fake workspace")
        full_sync(args.work_dir, tap, target)
        with receiver(args.work_dir, tap, target) as (url, pid):
            load = Load(fake, url, SECRET, database_url)
            for rate in rates:
                log(f"{rate:g} changes/s for {args.seconds:g} s")
                result = run_phase(fake, load, pid, rate, args.seconds)
                log(result.line())
                report.phases.append(result)
    section = report.render()
    args.results.write_text(replace_section(args.results.read_text(), section))
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
