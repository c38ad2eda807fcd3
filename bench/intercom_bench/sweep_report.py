"""The sweep's block of bench/RESULTS.md (between SWEEP_START and SWEEP_END), and splicing it
into the file without touching what `bench/run.sh` wrote around it."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field

from intercom_bench.extract_bench import ExtractRun
from intercom_bench.report import OURS_TAP, TAP_RSS_GOAL_MB, table
from intercom_bench.summary import verdict
from intercom_bench.sweep import SweepResults
from intercom_bench.workspace_bench import WorkspaceRun

SWEEP_START = "<!-- sweep:start -->"
SWEEP_END = "<!-- sweep:end -->"
SWEEP_SUMMARY_START = "<!-- sweep-summary:start -->"
SWEEP_SUMMARY_END = "<!-- sweep-summary:end -->"
SHARE_GOAL = 0.90
SHARE_429_GOAL = 0.01
WORKSPACE_GOAL = 1.2


@dataclass
class SweepRun:
    """Where and when the sweep ran: printed above its numbers."""

    started_at: str
    finished_at: str
    command: str
    machine: dict[str, str]
    versions: dict[str, str]
    notes: list[str] = field(default_factory=list)


def splice(existing: str, block: str) -> str:
    """`existing` with its sweep block replaced by `block` (appended when it has none)."""
    if SWEEP_START in existing and SWEEP_END in existing:
        before, rest = existing.split(SWEEP_START, 1)
        after = rest.split(SWEEP_END, 1)[1]
        return before + block.strip() + after
    return existing.rstrip() + "\n\n" + block.strip() + "\n"


def sweep_block(existing: str) -> str:
    """The sweep block of a RESULTS.md, or ''."""
    if SWEEP_START not in existing or SWEEP_END not in existing:
        return ""
    return SWEEP_START + existing.split(SWEEP_START, 1)[1].split(SWEEP_END, 1)[0] + SWEEP_END


def ours(runs: Iterable[ExtractRun]) -> list[ExtractRun]:
    return [run for run in runs if run.contender == OURS_TAP]


def render_sweep(results: SweepResults, run: SweepRun) -> str:
    sections = [
        [SWEEP_START, "## Latency sweep and whole workspace (issue 14)", ""],
        _header(results, run),
        _summary(results, run),
        _ceiling(results),
        _sweep_table(results),
        _workspace(results),
        ["### Notes", "", *(f"- {note}" for note in run.notes), "", SWEEP_END],
    ]
    return "\n".join(line for section in sections for line in section) + "\n"


def _header(results: SweepResults, run: SweepRun) -> list[str]:
    s = results.settings
    return [
        f"Run {run.started_at} → {run.finished_at} (UTC). Command: `{run.command}`",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in run.machine.items()),
        "",
        "| software | version |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in run.versions.items()),
        "",
        f"Sizes: each of our runs sized to take about {s.seconds:.0f} s at the limit "
        f"(limit/60 x {s.seconds:.0f} conversations), the singer-io tap's to about "
        f"{s.singerio_seconds:.0f} s at its own pace; {s.repeats} run(s) per point; every "
        "setting of our tap at its default. Whole workspace: "
        f"{_mix(results)} at {s.workspace_latency_ms} ms and {s.workspace_limit_per_minute:,}/min.",
        "",
    ]


def _mix(results: SweepResults) -> str:
    if not results.workspace:
        return "not run"
    m = results.workspace[0].mix
    return (
        f"{m.conversations:,} conversations, {m.contacts:,} contacts ({m.fully_linked_contacts} "
        f"with more than 10 tags and companies), {m.companies:,} companies, {m.tickets:,} "
        f"tickets, {m.admins} admins, {m.teams} teams, {m.tags} tags, {m.segments} segments"
    )


def _summary(results: SweepResults, run: SweepRun) -> list[str]:
    load = run.machine.get("load average at start (1/5/15 min)", "?")
    command = _without_notes(run.command)
    return [
        "### Summary",
        "",
        SWEEP_SUMMARY_START,
        f"Measured {run.started_at} UTC on {run.machine.get('cores', '?')} shared cores with "
        f"`{command}` (load average {load} at the start; notes below); default settings.",
        "",
        *sweep_goals(results),
        SWEEP_SUMMARY_END,
        "",
    ]


def _without_notes(command: str) -> str:
    """The command as the summary shows it: its `--note` texts are in the notes."""
    words = shlex.split(command)
    notes = {i for i, word in enumerate(words) if word == "--note"}
    kept = [word for i, word in enumerate(words) if i not in notes and i - 1 not in notes]
    return shlex.join(kept)


def _lowest_share(runs: list[ExtractRun]) -> tuple[float, str] | None:
    shares = [(r.full_window_share, r.scenario.label) for r in runs if r.full_window_share]
    return min(shares) if shares else None


def sweep_goals(results: SweepResults) -> list[str]:
    mine = [r for r in ours(results.runs) if r.measured.ok]
    lowest = _lowest_share(mine)
    worst_429 = max((r.share_429 for r in mine), default=None)
    rss = max((r.measured.peak_rss_mb for r in ours(results.runs)), default=None)
    rss_all = [*(r.measured.peak_rss_mb for r in results.workspace), *([rss] if rss else [])]
    ratio = max((w.times_minimum for w in results.workspace if w.measured.ok), default=None)
    share_met = None
    if lowest is not None and worst_429 is not None:
        share_met = lowest[0] >= SHARE_GOAL and worst_429 < SHARE_429_GOAL
    lowest_text = "—" if lowest is None else f"{lowest[0]:.1%} (at {lowest[1]})"
    return [
        f"- Goal ≥ 90% of the limit at every latency, both limits, < 1% 429s: lowest "
        f"{lowest_text} of the limit in full windows, most 429s "
        f"{'—' if worst_429 is None else f'{worst_429:.2%}'} of requests → {verdict(share_met)}",
        f"- Goal peak RSS < {TAP_RSS_GOAL_MB} MB: highest "
        f"{'—' if not rss_all else f'{max(rss_all):.0f} MB'} → "
        f"{verdict(None if not rss_all else max(rss_all) < TAP_RSS_GOAL_MB)}",
        f"- Goal whole workspace within {WORKSPACE_GOAL}x the minimum the limit allows: "
        f"{'—' if ratio is None else f'{ratio:.2f}x'} → "
        f"{verdict(None if ratio is None else ratio <= WORKSPACE_GOAL)}",
    ]


def _ceiling(results: SweepResults) -> list[str]:
    rows = [
        [
            f"{c.latency_ms:,} ms",
            f"{c.connections}",
            f"{c.per_second:,.0f}",
            f"{c.per_second / (10_000 / 60):.1f}x",
            f"{c.errors}",
        ]
        for c in results.ceilings
    ]
    return [
        "### The fake's own ceiling",
        "",
        "Conversation details a second the fake served to a plain keep-alive client in another "
        "process (bench/intercom_bench/loadgen.py), with no rate limit and enough connections "
        "for three times 10,000/min at that latency; answers of the first round trip not "
        "counted. Its latency is a sleep on a thread per connection, so it costs no CPU.",
        "",
        *table(["latency", "connections", "details/s", "of 10,000/min", "errors"], rows),
        "",
    ]


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _sweep_table(results: SweepResults) -> list[str]:
    rows = []
    for run in results.runs:
        s = run.scenario
        rows.append(
            [
                f"{s.limit_per_minute:,}/min",
                f"{s.latency_ms:,} ms",
                run.contender,
                f"{s.conversations:,}",
                f"{run.conversations_per_second:,.1f}",
                f"{run.requests_per_second:,.1f}",
                _share(run.share_of_limit),
                _share(run.full_window_share),
                f"{run.rate_limited} ({run.share_429:.2%})",
                f"{run.measured.peak_rss_mb:.0f} MB",
                "yes" if run.exact else "NO",
            ]
        )
    header = [
        "limit",
        "latency",
        "contender",
        "conversations",
        "conversations/s",
        "requests/s",
        "of the limit's rate (whole run)",
        "of the limit in full windows",
        "429s",
        "peak RSS",
        "exact",
    ]
    return [
        "### Latency sweep (conversations with their parts)",
        "",
        "A fresh fake per run with this latency on every request and this limit per 10-second "
        "window. 'of the limit's rate' = requests/s over the tap's whole wall time (start-up "
        "included) / (limit per window / 10 s); 'of the limit in full windows' = requests in "
        "the fixed 10-second windows wholly between the run's first and last request / the "
        "limit: the goal's measure. 'exact' = every conversation and part id of the fake's "
        "ground truth emitted, no other, none twice.",
        "",
        *table(header, rows),
        "",
    ]


def _workspace(results: SweepResults) -> list[str]:
    lines = ["### Whole workspace (every stream)", ""]
    for run in results.workspace:
        lines += _workspace_run(run)
    return lines


def _workspace_run(run: WorkspaceRun) -> list[str]:
    header = [
        "requests needed",
        "minimum (needed / limit)",
        "wall",
        "x minimum",
        "429s",
        "peak RSS",
        "exit",
    ]
    row = [
        f"{run.needed:,}",
        f"{run.minimum_seconds:.1f} s",
        f"{run.measured.wall_seconds:.1f} s",
        f"{run.times_minimum:.2f}x",
        f"{run.rate_limited}",
        f"{run.measured.peak_rss_mb:.0f} MB",
        f"{run.measured.exit_code}",
    ]
    records = ", ".join(
        f"{name} {count:,}" for name, count in sorted(run.records_by_stream.items())
    )
    paths = ", ".join(f"`{path}` {count:,}" for path, count in run.requests_by_path.items())
    profile = ", ".join(f"{name} {sec:.1f} s" for name, sec in run.seconds_by_stream.items())
    return [
        *table(header, [row]),
        "",
        f"Records: {records}.",
        "",
        f"Requests by endpoint: {paths}.",
        "",
        f"Time per stream, in the order the tap ran them (from its log): {profile}.",
        "",
    ]
