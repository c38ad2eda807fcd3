"""`bash bench/sweep.sh`: issue 14's latency sweep, the fake's ceiling and the whole-workspace
run; writes its block of bench/RESULTS.md (the rest of the file is left as it is) and the raw
numbers in bench/SWEEP.json."""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from intercom_bench.cli import log, redact, utc_now
from intercom_bench.extract_bench import TOKEN
from intercom_bench.fake_ceiling import TOKEN as CEILING_TOKEN
from intercom_bench.machine import describe_machine, load_average
from intercom_bench.sweep import SweepResults, SweepSettings, run_sweep
from intercom_bench.sweep_report import SweepRun, render_sweep, splice
from intercom_bench.tools import BENCH_DIR, DEFAULT_WORK_DIR, Tools, code_state, versions


def numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    d = SweepSettings()
    parser = argparse.ArgumentParser(prog="bench/sweep.sh", description=__doc__)
    add = parser.add_argument
    add("--latencies", type=numbers, default=d.latencies_ms, help="ms, e.g. 50,200,500,1000")
    add("--limits", type=numbers, default=d.limits_per_minute, help="per minute, e.g. 10000,1000")
    add("--seconds", type=float, default=d.seconds, help="how long each of our runs should take")
    add("--singerio-seconds", type=float, default=d.singerio_seconds)
    add("--repeats", type=int, default=d.repeats)
    add("--ceiling-seconds", type=float, default=d.ceiling_seconds)
    add("--workspace-latency-ms", type=int, default=d.workspace_latency_ms)
    add("--workspace-limit", type=int, default=d.workspace_limit_per_minute)
    add("--workspace-scale", type=float, default=d.workspace_scale, help="of the default mix")
    add("--no-peers", action="store_true", help="without the singer-io tap")
    add("--note", action="append", default=[], help="a note for RESULTS.md (e.g. the load)")
    add("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    add("--results", type=Path, default=BENCH_DIR / "RESULTS.md")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> SweepSettings:
    return SweepSettings(
        latencies_ms=args.latencies,
        limits_per_minute=args.limits,
        seconds=args.seconds,
        singerio_seconds=args.singerio_seconds,
        repeats=args.repeats,
        ceiling_seconds=args.ceiling_seconds,
        workspace_latency_ms=args.workspace_latency_ms,
        workspace_limit_per_minute=args.workspace_limit,
        workspace_scale=args.workspace_scale,
        peers=not args.no_peers,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    tools = Tools(args.work_dir)
    run_dir = tools.work_dir / "runs" / datetime.now(timezone.utc).strftime("sweep-%Y%m%dT%H%M%S")
    run_dir.mkdir(parents=True, exist_ok=True)
    command = "bash bench/sweep.sh " + shlex.join(sys.argv[1:] if argv is None else argv)
    run = SweepRun(utc_now(), "", command.strip(), describe_machine(), versions(tools))
    run.versions["tap code"] = code_state(("tap-intercom",))
    log(f"Sweep: latencies {settings.latencies_ms} ms, limits {settings.limits_per_minute}/min")
    results = run_sweep(settings, tools, run_dir, log)
    run.finished_at = utc_now()
    run.machine["load average at end (1/5/15 min)"] = load_average()
    run.notes += [*args.note, *standard_notes(results, tools)]
    secrets = [TOKEN, CEILING_TOKEN]
    existing = args.results.read_text() if args.results.exists() else "# Benchmark results\n"
    args.results.write_text(redact(splice(existing, render_sweep(results, run)), secrets))
    raw = args.results.with_name("SWEEP.json")
    raw.write_text(redact(json.dumps(raw_results(results, run), indent=1, default=str), secrets))
    log(f"Wrote the sweep into {args.results}, and {raw}")
    return 0


def raw_results(results: SweepResults, run: SweepRun) -> dict[str, object]:
    raw = {"run": dataclasses.asdict(run), **dataclasses.asdict(results)}
    for key in ("runs", "workspace"):
        for entry in raw[key]:
            if entry["measured"]["exit_code"] == 0:
                entry["measured"]["stderr_tail"] = ""
    return raw


def standard_notes(results: SweepResults, tools: Tools) -> list[str]:
    notes = [
        "Peak RSS is the tap process's own (GNU time's %M); wall time includes its start-up.",
        "The fake, the tap and (for the ceiling) the load generator share the machine's cores; "
        "the fake runs in the harness's process.",
        "The singer-io tap runs as in the extract benchmark above (its launcher points it at "
        "the fake); its workspace is smaller so that each run takes about "
        f"{results.settings.singerio_seconds:.0f} s at its pace of one conversation per round "
        "trip.",
    ]
    if not results.settings.peers or not tools.singerio_python:
        notes.append("The singer-io tap was not run (--no-peers, or its virtualenv is absent).")
    return notes


if __name__ == "__main__":
    raise SystemExit(main())
