"""The loading benchmark: the same Singer file into a fresh database per contender and round,
then a second load of the same file over the full tables (every row an update)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from intercom_sandbox.postgres import LocalPostgres

from intercom_bench import psql_limit
from intercom_bench.databases import (
    drop_database,
    fresh_database,
    libpq_env,
    row_counts,
)
from intercom_bench.measure import Measured, run_measured
from intercom_bench.singer_file import STREAMS, SingerFile
from intercom_bench.tools import Tools, write_config

PHASES = ("first load", "second load")

SUPABASE_TABLES = {
    "conversations": ("public", "intercom_conversations"),
    "conversation_parts": ("public", "intercom_messages"),
    "conversation_tags": ("public", "intercom_conversation_tags"),
}
TARGET_POSTGRES_SCHEMA = "melty"  # its default_target_schema (target-postgres --about)
FASTEST_TARGET_POSTGRES: dict[str, object] = {
    # The settings its --about names: COPY instead of INSERT, no _sdc_* columns (which
    # activate_version requires, so that goes too), no JSON Schema validation.
    "use_copy": True,
    "add_record_metadata": False,
    "activate_version": False,
    "validate_records": False,
}


@dataclass(frozen=True)
class Command:
    argv: list[str]
    env: dict[str, str] | None = None
    reads_singer_file: bool = True


@dataclass(frozen=True)
class LoadContender:
    name: str
    tables: dict[str, tuple[str, str]]
    command: Callable[[str, Path], Command]
    prepare: Callable[[str], None] = field(default=lambda url: None)


@dataclass(frozen=True)
class LoadRun:
    contender: str
    round: int
    phase: str
    conversations: int
    records: int
    measured: Measured
    rows_after: dict[str, int | None]

    @property
    def rows_per_second(self) -> float:
        return self.records / self.measured.wall_seconds


def target_supabase(tools: Tools) -> LoadContender:
    def command(url: str, run_dir: Path) -> Command:
        config = write_config(run_dir / "target-supabase.json", {"database_url": url})
        return Command([str(tools.target_supabase), "--config", str(config)])

    return LoadContender("target-supabase", SUPABASE_TABLES, command)


def target_postgres(tools: Tools, name: str, settings: dict[str, object]) -> LoadContender:
    def command(url: str, run_dir: Path) -> Command:
        env = libpq_env(url)
        connection = {
            "host": env["PGHOST"],
            "port": int(env["PGPORT"]),
            "user": env["PGUSER"],
            "password": env["PGPASSWORD"],
            "database": env["PGDATABASE"],
        }
        config_path = run_dir / f"{name.replace(' ', '-')}.json"
        config = write_config(config_path, {**connection, **settings})
        return Command([str(tools.target_postgres), "--config", str(config)])

    tables = {s.name: (TARGET_POSTGRES_SCHEMA, s.name) for s in STREAMS}
    return LoadContender(name, tables, command)


def psql_contender(singer_file: SingerFile, run_dir: Path) -> LoadContender:
    copy_dir = singer_file.path.with_suffix(".copy-files")
    tables = psql_limit.prepare_copy_files(singer_file.path, copy_dir)
    script = psql_limit.write_psql_script(tables, run_dir / "psql-limit.sql")

    def command(url: str, _: Path) -> Command:
        argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(script)]
        return Command(argv, env=libpq_env(url), reads_singer_file=False)

    def prepare(url: str) -> None:
        psql_limit.create_tables(url, tables)

    stream_tables = {s.name: ("public", s.name) for s in STREAMS}
    return LoadContender("psql limit", stream_tables, command, prepare)


def load_contenders(tools: Tools, singer_file: SingerFile, run_dir: Path) -> list[LoadContender]:
    contenders = [target_supabase(tools)]
    if tools.target_postgres:
        contenders.append(target_postgres(tools, "target-postgres defaults", {}))
        contenders.append(
            target_postgres(tools, "target-postgres fastest", FASTEST_TARGET_POSTGRES)
        )
    contenders.append(psql_contender(singer_file, run_dir))
    return contenders


def rotated(items: list[LoadContender], shift: int) -> list[LoadContender]:
    """Alternate the order from round to round so no contender always goes first."""
    shift %= max(len(items), 1)
    return items[shift:] + items[:shift]


def run_load_benchmark(
    server: LocalPostgres,
    singer_file: SingerFile,
    contenders: list[LoadContender],
    repeats: int,
    run_dir: Path,
    phases: tuple[str, ...] = PHASES,
    log: Callable[[str], None] = print,
) -> Iterator[LoadRun]:
    for round_number in range(1, repeats + 1):
        for contender in rotated(contenders, round_number - 1):
            yield from load_one(server, singer_file, contender, round_number, run_dir, phases, log)


def load_one(
    server: LocalPostgres,
    singer_file: SingerFile,
    contender: LoadContender,
    round_number: int,
    run_dir: Path,
    phases: tuple[str, ...],
    log: Callable[[str], None],
) -> Iterator[LoadRun]:
    url = fresh_database(server, "load")
    try:
        contender.prepare(url)
        for phase in phases:
            run = load_phase(singer_file, contender, url, round_number, phase, run_dir)
            log(describe(run))
            yield run
            if not run.measured.ok:
                break
    finally:
        drop_database(server, url)


def load_phase(
    singer_file: SingerFile,
    contender: LoadContender,
    url: str,
    round_number: int,
    phase: str,
    run_dir: Path,
) -> LoadRun:
    slug = f"{contender.name}-{singer_file.conversations}-r{round_number}-{phase}".replace(" ", "-")
    command = contender.command(url, run_dir)
    measured = run_measured(
        command.argv,
        stdin_path=singer_file.path if command.reads_singer_file else None,
        stdout_path=run_dir / f"{slug}.out",
        stderr_path=run_dir / f"{slug}.err",
        env=command.env,
    )
    return LoadRun(
        contender=contender.name,
        round=round_number,
        phase=phase,
        conversations=singer_file.conversations,
        records=singer_file.records,
        measured=measured,
        rows_after=row_counts(url, contender.tables),
    )


def describe(run: LoadRun) -> str:
    status = "ok" if run.measured.ok else f"FAILED (exit {run.measured.exit_code})"
    return (
        f"  load {run.contender} N={run.conversations} round {run.round} {run.phase}: "
        f"{run.measured.wall_seconds:.1f}s {run.rows_per_second:,.0f} rows/s "
        f"rss {run.measured.peak_rss_mb:.0f} MB rows {run.rows_after} {status}"
    )
