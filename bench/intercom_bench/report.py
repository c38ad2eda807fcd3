"""Write bench/RESULTS.md: medians, ranges and ratios of what was measured, nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from intercom_bench.extract_bench import ExtractRun
from intercom_bench.load_bench import PHASES, LoadRun
from intercom_bench.settings import Settings
from intercom_bench.singer_file import STREAMS
from intercom_bench.summary import Spread, ratio, show, show_ratio, verdict

OURS_TARGET = "target-supabase"
OURS_TAP = "tap-intercom"
PEER_TAP = "singer-io tap-intercom"
TARGET_RSS_GOAL_MB = 250
TAP_RSS_GOAL_MB = 200
SUMMARY_START = "<!-- summary:start -->"
SUMMARY_END = "<!-- summary:end -->"

Run = TypeVar("Run", LoadRun, ExtractRun)


@dataclass
class FileInfo:
    conversations: int
    records: int
    megabytes: float
    records_by_stream: dict[str, int] = field(default_factory=dict)


@dataclass
class BenchResults:
    started_at: str
    finished_at: str
    command: str
    settings: Settings
    machine: dict[str, str]
    versions: dict[str, str]
    files: dict[int, FileInfo] = field(default_factory=dict)
    load_runs: list[LoadRun] = field(default_factory=list)
    growth_load_runs: list[LoadRun] = field(default_factory=list)
    extract_runs: list[ExtractRun] = field(default_factory=list)
    growth_extract_runs: list[ExtractRun] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def spread(runs: Iterable[Run], value: Callable[[Run], float]) -> Spread | None:
    return Spread.of(value(run) for run in runs if run.measured.ok)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def runs_ok(runs: list[Run]) -> str:
    return f"{sum(run.measured.ok for run in runs)}/{len(runs)}"


# Loading


def load_group(runs: list[LoadRun], contender: str, phase: str) -> list[LoadRun]:
    return [run for run in runs if run.contender == contender and run.phase == phase]


def rows_in_tables(runs: list[LoadRun]) -> str:
    """The row counts found after the runs (conversations / parts / tags); all runs agreeing."""
    seen = {tuple(run.rows_after.get(stream.name) for stream in STREAMS) for run in runs}
    return "; ".join(" / ".join(count_text(count) for count in counts) for counts in seen)


def count_text(count: int | None) -> str:
    return "no table" if count is None else f"{count:,}"


def load_section(results: BenchResults) -> list[str]:
    runs = results.load_runs
    if not runs:
        return []
    info = results.files[results.settings.load_conversations]
    lines = [
        "## Loading (the target)",
        "",
        f"Input: {info.conversations:,} conversations, {info.records:,} records ("
        f"{' / '.join(count_text(info.records_by_stream.get(s.name)) for s in STREAMS)}), "
        f"{info.megabytes:,.0f} MB of Singer messages (one file, generated once, read from disk "
        "by each contender). Each contender loads it into a fresh database of the same "
        "PostgreSQL server, then loads it again over its full tables (every row an update).",
        "",
    ]
    contenders = list(dict.fromkeys(run.contender for run in runs))
    rows = []
    for phase in PHASES:
        for contender in contenders:
            group = load_group(runs, contender, phase)
            if not group:
                continue
            rows.append(
                [
                    contender,
                    phase,
                    show(spread(group, lambda r: r.rows_per_second)),
                    show(spread(group, lambda r: r.measured.wall_seconds), 1, " s"),
                    show(spread(group, lambda r: r.measured.peak_rss_mb), 0, " MB"),
                    rows_in_tables(group),
                    runs_ok(group),
                ]
            )
    streams = " / ".join(stream.name for stream in STREAMS)
    header = ["contender", "load", "rows/s", "wall", "peak RSS", f"rows after ({streams})", "ok"]
    lines += table(header, rows)
    lines += ["", "Medians, with the range over the runs in brackets.", ""]
    lines += load_ratios(runs, results.growth_load_runs)
    return lines


def load_ratios(runs: list[LoadRun], growth_runs: list[LoadRun]) -> list[str]:
    lines = ["### Ratios and goals", ""]
    rows = []
    for phase in PHASES:
        ours = spread(load_group(runs, OURS_TARGET, phase), lambda r: r.rows_per_second)
        for peer in ("target-postgres defaults", "target-postgres fastest", "psql limit"):
            theirs = spread(load_group(runs, peer, phase), lambda r: r.rows_per_second)
            paired = paired_ratios(runs, peer, phase)
            rows.append(
                [
                    f"{OURS_TARGET} / {peer}",
                    phase,
                    show_ratio(ratio(ours, theirs)),
                    show(paired, 2, "x"),
                ]
            )
    header = ["rows/s", "load", "ratio of the medians", "ratio within each round: median (range)"]
    lines += table(header, rows)
    lines += [
        "",
        "The machine is shared (see the load average above), so each round's ratio compares "
        "runs made minutes apart, under similar load.",
        "",
    ]
    return [*lines, "", *load_goals(runs, growth_runs), ""]


def load_goals(runs: list[LoadRun], growth_runs: list[LoadRun]) -> list[str]:
    first = PHASES[0]
    ours = spread(load_group(runs, OURS_TARGET, first), lambda r: r.rows_per_second)
    defaults = spread(
        load_group(runs, "target-postgres defaults", first), lambda r: r.rows_per_second
    )
    limit = spread(load_group(runs, "psql limit", first), lambda r: r.rows_per_second)
    ours_all = [r for r in [*runs, *growth_runs] if r.contender == OURS_TARGET]
    rss = spread(ours_all, lambda r: r.measured.peak_rss_mb)
    vs_defaults, vs_limit = ratio(ours, defaults), ratio(ours, limit)
    return [
        f"- Goal ≥ 6x target-postgres defaults (first load): "
        f"{show_ratio(vs_defaults)} → {verdict(None if vs_defaults is None else vs_defaults >= 6)}",
        f"- Goal ≥ 40% of the psql limit (first load): {show_ratio(vs_limit, as_percent=True)} → "
        f"{verdict(None if vs_limit is None else vs_limit >= 0.4)}",
        f"- Goal peak RSS < {TARGET_RSS_GOAL_MB} MB: highest {show_max(rss)} → "
        f"{verdict(None if rss is None else rss.high < TARGET_RSS_GOAL_MB)} "
        "(every run, growth included)",
    ]


def paired_ratios(runs: list[LoadRun], peer: str, phase: str) -> Spread | None:
    """Our rows/s over the peer's, round by round."""
    theirs = {r.round: r for r in load_group(runs, peer, phase) if r.measured.ok}
    return Spread.of(
        r.rows_per_second / theirs[r.round].rows_per_second
        for r in load_group(runs, OURS_TARGET, phase)
        if r.measured.ok and r.round in theirs
    )


def show_max(value: Spread | None) -> str:
    return f"{value.high:,.0f} MB" if value else "—"


# Extracting


def extract_group(runs: list[ExtractRun], contender: str, label: str) -> list[ExtractRun]:
    return [r for r in runs if r.contender == contender and r.scenario.label == label]


def extract_rows(runs: list[ExtractRun]) -> list[list[str]]:
    rows = []
    keys = dict.fromkeys((r.scenario.label, r.contender) for r in runs)
    for label, contender in keys:
        group = extract_group(runs, contender, label)
        scenario = group[0].scenario
        rows.append(
            [
                contender,
                f"{scenario.conversations:,} conv., {scenario.limit_per_minute:,}/min "
                f"({scenario.rate_limit_per_10s:,} per 10 s)",
                show(spread(group, lambda r: r.conversations_per_second), 1),
                show(spread(group, lambda r: r.records_per_second)),
                show(spread(group, lambda r: r.requests_per_second), 1),
                show(spread(group, lambda r: r.share_of_limit * 100), 0, "%"),
                show(spread(group, lambda r: r.share_of_allowance * 100), 0, "%"),
                show(window_shares(group), 0, "%"),
                show(spread(group, lambda r: r.rate_limited)),
                show(spread(group, lambda r: r.measured.peak_rss_mb), 0, " MB"),
                f"{sum(r.exact for r in group)}/{len(group)}",
            ]
        )
    return rows


def window_shares(runs: list[ExtractRun]) -> Spread | None:
    return Spread.of(
        r.full_window_share * 100 for r in runs if r.measured.ok and r.full_window_share is not None
    )


def extract_section(results: BenchResults) -> list[str]:
    runs = results.extract_runs
    if not runs:
        return []
    s = results.settings
    lines = [
        "## Extracting (the tap)",
        "",
        f"The project's fake Intercom, {s.latency_ms} ms latency on every request, rate limit per "
        "10-second window as Intercom enforces it; a fresh fake for every run. Streams: "
        "conversations with their parts. Rates are over the tap's whole wall time (start-up "
        "included). 'of the limit's rate' = requests/s / (limit per window / 10 s); 'of the "
        "allowance' = requests / (limit per window * the fixed 10-second windows the run "
        "overlapped); 'of the limit in full windows' = the requests that arrived in the 10-second "
        "windows lying wholly between the run's first and last request, as a share of the "
        "limit, which is what the goal is judged on (start-up and the ragged first and last "
        "windows left out). "
        "'exact' = the run emitted every conversation id and part id of the fake's "
        "ground truth, no other, none twice.",
        "",
    ]
    header = [
        "contender",
        "workspace, limit",
        "conversations/s",
        "records/s",
        "requests/s",
        "of the limit's rate",
        "of the allowance",
        "of the limit in full windows",
        "429s",
        "peak RSS",
        "exact",
    ]
    lines += table(header, extract_rows(runs))
    lines += ["", *extract_goals(results), ""]
    return lines


def extract_goals(results: BenchResults) -> list[str]:
    runs = results.extract_runs
    ours = spread(extract_group(runs, OURS_TAP, "fast"), lambda r: r.conversations_per_second)
    theirs = spread(extract_group(runs, PEER_TAP, "fast"), lambda r: r.conversations_per_second)
    speedup = ratio(ours, theirs)
    paced = extract_group(runs, OURS_TAP, "paced")
    share = window_shares(paced)
    share_429 = spread(paced, lambda r: r.share_429)
    everything = [*runs, *results.growth_extract_runs]
    rss = spread(
        [r for r in everything if r.contender == OURS_TAP], lambda r: r.measured.peak_rss_mb
    )
    paced_met = (
        None
        if share is None or share_429 is None
        else (share.median >= 90 and share_429.median < 0.01)
    )
    return [
        f"- Goal ≥ 8x the singer-io tap's conversations/s at "
        f"{results.settings.fast_limit_per_minute:,}/min: {show_ratio(speedup)} (ratio of the "
        f"medians; within each round {show(paired_speedups(runs), 2, 'x')}) → "
        f"{verdict(None if speedup is None else speedup >= 8)}",
        f"- Goal ≥ 90% of a {results.settings.paced_limit_per_minute:,}/min limit with < 1% "
        f"429s: {show(share, 0, '%')} of the limit in full windows, "
        f"{show(share_429 and scaled(share_429, 100), 2, '%')} 429s → {verdict(paced_met)}",
        f"- Goal peak RSS < {TAP_RSS_GOAL_MB} MB: highest {show_max(rss)} → "
        f"{verdict(None if rss is None else rss.high < TAP_RSS_GOAL_MB)} "
        "(every run, growth included)",
    ]


def paired_speedups(runs: list[ExtractRun]) -> Spread | None:
    theirs = {r.round: r for r in extract_group(runs, PEER_TAP, "fast") if r.measured.ok}
    return Spread.of(
        r.conversations_per_second / theirs[r.round].conversations_per_second
        for r in extract_group(runs, OURS_TAP, "fast")
        if r.measured.ok and r.round in theirs
    )


def scaled(value: Spread, factor: float) -> Spread:
    return Spread(value.median * factor, value.low * factor, value.high * factor, value.count)


# Growth


def growth_section(results: BenchResults) -> list[str]:
    if not results.growth_load_runs and not results.growth_extract_runs:
        return []
    lines = [
        "## Growth",
        "",
        "Time should grow linearly with the size (constant time per conversation) and peak "
        "memory should stay flat.",
        "",
    ]
    if results.growth_load_runs:
        lines += ["### target-supabase (first load into empty tables)", ""]
        lines += table(
            [
                "conversations",
                "records",
                "wall",
                "ms per 1,000 records",
                "rows/s",
                "peak RSS",
                "ok",
            ],
            growth_load_rows(results),
        )
        lines.append("")
    if results.growth_extract_runs:
        lines += [f"### tap-intercom ({results.settings.fast_limit_per_minute:,}/min limit)", ""]
        lines += table(
            [
                "conversations",
                "wall",
                "ms per conversation",
                "conversations/s",
                "peak RSS",
                "exact",
            ],
            growth_extract_rows(results.growth_extract_runs),
        )
        lines.append("")
    return lines


def growth_load_rows(results: BenchResults) -> list[list[str]]:
    rows = []
    for size in sorted({r.conversations for r in results.growth_load_runs}):
        group = [r for r in results.growth_load_runs if r.conversations == size]
        rows.append(
            [
                f"{size:,}",
                f"{group[0].records:,}",
                show(spread(group, lambda r: r.measured.wall_seconds), 1, " s"),
                show(spread(group, lambda r: r.measured.wall_seconds / r.records * 1e6), 0),
                show(spread(group, lambda r: r.rows_per_second)),
                show(spread(group, lambda r: r.measured.peak_rss_mb), 0, " MB"),
                runs_ok(group),
            ]
        )
    return rows


def growth_extract_rows(runs: list[ExtractRun]) -> list[list[str]]:
    rows = []
    for size in sorted({r.scenario.conversations for r in runs}):
        group = [r for r in runs if r.scenario.conversations == size]
        rows.append(
            [
                f"{size:,}",
                show(spread(group, lambda r: r.measured.wall_seconds), 1, " s"),
                show(
                    spread(
                        group, lambda r: r.measured.wall_seconds / r.scenario.conversations * 1000
                    ),
                    1,
                ),
                show(spread(group, lambda r: r.conversations_per_second), 1),
                show(spread(group, lambda r: r.measured.peak_rss_mb), 0, " MB"),
                f"{sum(r.exact for r in group)}/{len(group)}",
            ]
        )
    return rows


# Whole document


def summary_section(results: BenchResults) -> list[str]:
    """The goals, between markers that scripts/generate_docs.py copies into the README."""
    machine = results.machine
    goals = []
    if results.load_runs:
        goals += load_goals(results.load_runs, results.growth_load_runs)
    if results.extract_runs:
        goals += extract_goals(results)
    return [
        "## Summary",
        "",
        SUMMARY_START,
        f"Measured {results.started_at} UTC on {machine.get('cores', '?')} cores "
        f"({machine.get('cpu', '?')}, {machine.get('memory', '?')} of memory) with "
        f"`{results.command}`; medians of {results.settings.repeats} runs per contender, "
        "peers run side by side on the same data.",
        "",
        *goals,
        SUMMARY_END,
        "",
    ]


def header_section(results: BenchResults) -> list[str]:
    s = results.settings
    lines = [
        "# Benchmark results",
        "",
        f"Run {results.started_at} → {results.finished_at} (UTC), written by `bench/run.sh`.",
        "",
        f"Command: `{results.command}`",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in results.machine.items()),
        "",
        "| software | version |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in results.versions.items()),
        "",
        f"Sizes used: loading {s.load_conversations:,} conversations; extracting "
        f"{s.extract_conversations:,} conversations at {s.fast_limit_per_minute:,}/min and "
        f"{s.paced_conversations:,} at {s.paced_limit_per_minute:,}/min; growth (target) "
        f"{sizes(s.growth_load_conversations)}; growth (tap) "
        f"{sizes(s.growth_extract_conversations)}; each measurement repeated {s.repeats} times, "
        "contenders alternating. `--issue-sizes` runs the full sizes instead.",
        "",
    ]
    return lines


def sizes(values: tuple[int, ...]) -> str:
    return ", ".join(f"{value:,}" for value in values)


def failures_section(results: BenchResults) -> list[str]:
    runs: list[LoadRun | ExtractRun] = [
        *results.load_runs,
        *results.growth_load_runs,
        *results.extract_runs,
        *results.growth_extract_runs,
    ]
    failed = [run for run in runs if not run.measured.ok]
    if not failed:
        return []
    lines = [
        "## Failed runs",
        "",
        "Not counted in the medians above. The last lines of stderr:",
        "",
    ]
    seen: set[str] = set()
    for run in failed:
        if run.contender in seen:
            continue
        seen.add(run.contender)
        lines += [
            f"- {run.contender} (exit {run.measured.exit_code}), "
            f"{sum(r.contender == run.contender for r in failed)} failed run(s):",
            "",
            "```",
            run.measured.stderr_tail[-1500:],
            "```",
            "",
        ]
    return lines


def notes_section(results: BenchResults) -> list[str]:
    if not results.notes:
        return []
    return ["## Notes", "", *(f"- {note}" for note in results.notes), ""]


def render(results: BenchResults) -> str:
    sections = [
        header_section(results),
        summary_section(results),
        load_section(results),
        extract_section(results),
        growth_section(results),
        failures_section(results),
        notes_section(results),
    ]
    return "\n".join(line for section in sections for line in section).rstrip() + "\n"
