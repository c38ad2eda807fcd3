"""`python -m intercom_bench`: every comparison in one run, then bench/RESULTS.md."""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from intercom_sandbox.postgres import LocalPostgres

from intercom_bench import extract_bench, load_bench
from intercom_bench.databases import bench_postgres, server_version
from intercom_bench.extract_bench import Scenario
from intercom_bench.freshness_report import kept_section, replace_section
from intercom_bench.load_bench import LoadRun
from intercom_bench.machine import describe_machine, load_average
from intercom_bench.report import BenchResults, FileInfo, render
from intercom_bench.settings import PARTS, Settings, with_issue_sizes
from intercom_bench.singer_file import SingerFile, singer_file_path, write_singer_file
from intercom_bench.sweep_report import sweep_block
from intercom_bench.tools import BENCH_DIR, DEFAULT_WORK_DIR, Tools, code_state, versions


def log(message: str) -> None:
    now = datetime.now(timezone.utc).strftime("%H:%M:%S")
    print(f"[{now}] {message}", file=sys.stderr, flush=True)


def sizes(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    d = Settings()
    parser = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__)
    add = parser.add_argument
    add("--parts", default=",".join(PARTS), help="which comparisons: load,extract,growth")
    add("--repeats", type=int, default=d.repeats, help="runs per contender and size (>= 3)")
    add("--load-conversations", type=int, default=d.load_conversations)
    add("--extract-conversations", type=int, default=d.extract_conversations)
    add("--paced-conversations", type=int, default=d.paced_conversations)
    add("--growth-load", type=sizes, default=d.growth_load_conversations, help="e.g. 1000,5000")
    add("--growth-extract", type=sizes, default=d.growth_extract_conversations)
    add("--latency-ms", type=int, default=d.latency_ms)
    add("--fast-limit-per-minute", type=int, default=d.fast_limit_per_minute)
    add("--paced-limit-per-minute", type=int, default=d.paced_limit_per_minute)
    add("--issue-sizes", action="store_true", help="the full sizes (much longer run)")
    add("--no-peers", action="store_true", help="only our tap and target and the psql limit")
    add("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    add("--results", type=Path, default=BENCH_DIR / "RESULTS.md")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    settings = Settings(
        parts=tuple(part for part in args.parts.split(",") if part),
        repeats=args.repeats,
        load_conversations=args.load_conversations,
        extract_conversations=args.extract_conversations,
        paced_conversations=args.paced_conversations,
        growth_load_conversations=args.growth_load,
        growth_extract_conversations=args.growth_extract,
        latency_ms=args.latency_ms,
        fast_limit_per_minute=args.fast_limit_per_minute,
        paced_limit_per_minute=args.paced_limit_per_minute,
        peers=not args.no_peers,
    )
    unknown = set(settings.parts) - set(PARTS)
    if unknown:
        msg = f"--parts: unknown {sorted(unknown)}; choose from {','.join(PARTS)}"
        raise SystemExit(msg)
    return with_issue_sizes(settings) if args.issue_sizes else settings


class Bench:
    def __init__(self, settings: Settings, tools: Tools, results: BenchResults) -> None:
        self.settings = settings
        self.tools = tools
        self.results = results
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        self.secrets: list[str] = [extract_bench.TOKEN]
        self.run_dir = tools.work_dir / "runs" / stamp
        self.run_dir.mkdir(parents=True, exist_ok=True)

    def singer_file(self, conversations: int) -> SingerFile:
        path = singer_file_path(self.tools.work_dir, conversations, self.settings.seed)
        log(f"Singer file for {conversations:,} conversations: {path}")
        written = write_singer_file(path, conversations, self.settings.seed)
        self.results.files[conversations] = FileInfo(
            conversations, written.records, written.size_bytes / 1e6, written.records_by_stream
        )
        return written

    def load(self, server: LocalPostgres) -> None:
        singer_file = self.singer_file(self.settings.load_conversations)
        contenders = load_bench.load_contenders(self.tools, singer_file, self.run_dir)
        if not self.settings.peers:
            contenders = [c for c in contenders if not c.name.startswith("target-postgres")]
        log(f"Loading: {', '.join(c.name for c in contenders)}")
        runs = load_bench.run_load_benchmark(
            server, singer_file, contenders, self.settings.repeats, self.run_dir, log=log
        )
        self.results.load_runs.extend(runs)

    def growth_load(self, server: LocalPostgres) -> None:
        ours = load_bench.target_supabase(self.tools)
        for size in self.settings.growth_load_conversations:
            reused = self.reusable_load_runs(size)
            if reused:
                self.results.growth_load_runs.extend(reused)
                continue
            singer_file = self.singer_file(size)
            runs = load_bench.run_load_benchmark(
                server,
                singer_file,
                [ours],
                self.settings.repeats,
                self.run_dir,
                phases=load_bench.PHASES[:1],
                log=log,
            )
            self.results.growth_load_runs.extend(runs)

    def reusable_load_runs(self, size: int) -> list[LoadRun]:
        return [
            run
            for run in self.results.load_runs
            if run.conversations == size
            and run.contender == "target-supabase"
            and run.phase == load_bench.PHASES[0]
        ]

    def scenario(self, label: str, conversations: int, per_minute: int) -> Scenario:
        per_10s = self.settings.per_10s(per_minute)
        return Scenario(label, conversations, per_minute, per_10s, self.settings.latency_ms)

    def extract(self) -> None:
        ours = extract_bench.our_tap(self.tools)
        contenders = [ours]
        if self.settings.peers and self.tools.singerio_python:
            contenders.append(extract_bench.singerio_tap(self.tools))
        s = self.settings
        fast = self.scenario("fast", s.extract_conversations, s.fast_limit_per_minute)
        paced = self.scenario("paced", s.paced_conversations, s.paced_limit_per_minute)
        log(f"Extracting: {', '.join(c.name for c in contenders)}")
        for scenario, group in ((fast, contenders), (paced, [ours])):
            runs = extract_bench.run_extract_benchmark(
                group, scenario, s.repeats, self.run_dir, log=log
            )
            self.results.extract_runs.extend(runs)

    def growth_extract(self) -> None:
        ours = extract_bench.our_tap(self.tools)
        s = self.settings
        for size in s.growth_extract_conversations:
            reused = [
                run
                for run in self.results.extract_runs
                if run.contender == ours.name
                and run.scenario.label == "fast"
                and run.scenario.conversations == size
            ]
            if reused:
                self.results.growth_extract_runs.extend(reused)
                continue
            scenario = self.scenario(f"growth-{size}", size, s.fast_limit_per_minute)
            runs = extract_bench.run_extract_benchmark(
                [ours], scenario, s.repeats, self.run_dir, log
            )
            self.results.growth_extract_runs.extend(runs)

    def run(self) -> None:
        parts = self.settings.parts
        if "load" in parts or "growth" in parts:
            with bench_postgres() as server:
                self.secrets.append(server.password)
                self.results.versions["PostgreSQL"] = server_version(server.superuser_url)
                if "load" in parts:
                    self.load(server)
                if "growth" in parts:
                    log("Growth: target-supabase")
                    self.growth_load(server)
        if "extract" in parts:
            self.extract()
        if "growth" in parts:
            log("Growth: tap-intercom")
            self.growth_extract()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    tools = Tools(args.work_dir)
    command = "bash bench/run.sh " + shlex.join(sys.argv[1:] if argv is None else argv)
    results = BenchResults(
        started_at=utc_now(),
        finished_at="",
        command=command.strip(),
        settings=settings,
        machine=describe_machine(),
        versions=versions(tools),
    )
    results.versions["tap and target code at start"] = code_state()
    bench = Bench(settings, tools, results)
    bench.run()
    results.versions["tap and target code at end"] = code_state()
    if (
        results.versions["tap and target code at end"]
        != results.versions["tap and target code at start"]
    ):
        results.notes.append(
            "Our tap and target are installed editable and changed during this run (code state "
            "at start and end above): rounds may have measured different code."
        )
    results.finished_at = utc_now()
    results.machine["load average at end (1/5/15 min)"] = load_average()
    results.notes.extend(standard_notes(settings, tools))
    # The freshness section (bench/freshness.sh) and the sweep (bench/sweep.sh) are measured
    # apart: both kept as they are.
    previous = args.results.read_text() if args.results.exists() else ""
    freshness = kept_section(previous)
    rendered = render(results)
    if freshness is not None:
        rendered = replace_section(rendered, freshness)
    kept = sweep_block(previous)
    rendered += f"\n{kept}\n" if kept else ""
    args.results.write_text(redact(rendered, bench.secrets))
    raw = args.results.with_suffix(".json")
    raw.write_text(redact(json.dumps(raw_results(results), indent=1, default=str), bench.secrets))
    log(f"Wrote {args.results} and {raw}")
    return 0


def raw_results(results: BenchResults) -> dict[str, object]:
    """Every number, for RESULTS.json; stderr only where a run failed."""
    raw = dataclasses.asdict(results)
    for key in ("load_runs", "growth_load_runs", "extract_runs", "growth_extract_runs"):
        for run in raw[key]:
            if run["measured"]["exit_code"] == 0:
                run["measured"]["stderr_tail"] = ""
    return raw


def redact(text: str, secrets: list[str]) -> str:
    """Failed runs quote stderr: keep the database password and the token out of it."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def standard_notes(settings: Settings, tools: Tools) -> list[str]:
    notes = [
        "Wall time and peak RSS are those of the contender's own process (rusage of the child "
        "from wait4: the largest resident set it or a process it waited for reached).",
        "The psql limit times one `psql -f` doing, per table in one transaction, `\\copy` of "
        "prepared COPY files into a temporary table and `INSERT ... ON CONFLICT DO UPDATE`; "
        "preparing the files from the Singer file is not timed. Its tables have the target's "
        "column types, the primary key and the same secondary indexes as the target.",
        "target-postgres 'fastest' = its defaults plus use_copy, add_record_metadata false, "
        "activate_version false (it requires record metadata) and validate_records false.",
        "The singer-io tap runs unmodified from its own virtualenv through "
        "bench/intercom_bench/singerio_launcher.py, which points its client's base URL at the "
        "fake and its Intercom-Version (hard-coded 2.12, which the fake does not serve) at 2.14, "
        "then calls its main(). Streams selected: conversations and conversation_parts (ours "
        "also conversation_tags, which it emits with each conversation).",
        "For the singer-io runs only, the fake accepts `>`/`<` on the conversation `id` field, "
        "which that tap's search sends and the fake otherwise rejects (see "
        "bench/intercom_bench/fake_compat.py).",
        "The fake's workspace for extraction has no conversation over 500 parts "
        "(huge_conversations=0), so both taps can reach the full ground truth.",
    ]
    if not settings.peers or not tools.target_postgres or not tools.singerio_python:
        notes.append("Some peers were skipped (--no-peers or their virtualenv is absent).")
    return notes
