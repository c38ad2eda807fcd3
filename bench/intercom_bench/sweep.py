"""Issue 14's latency sweep: our tap and the singer-io tap against the fake at several latencies
and two limits, the fake's own ceiling at each latency, and one whole-workspace run."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from intercom_bench import extract_bench
from intercom_bench.extract_bench import ExtractRun, Scenario, TapContender
from intercom_bench.fake_ceiling import Ceiling, measure_ceiling
from intercom_bench.settings import Settings as BenchSettings
from intercom_bench.tools import Tools
from intercom_bench.workspace_bench import WorkspaceMix, WorkspaceRun, run_workspace

# The singer-io tap fetches one conversation at a time: about one per round trip (its own
# overhead measured at ~15 ms per conversation in RESULTS.md's extract runs).
_SINGERIO_OVERHEAD_MS = 15


@dataclass(frozen=True)
class SweepSettings:
    latencies_ms: tuple[int, ...] = (50, 200, 500, 1_000)
    limits_per_minute: tuple[int, ...] = (10_000, 1_000)
    seconds: float = 60.0  # what each of our runs should take at the limit: sizes the workspace
    singerio_seconds: float = 60.0  # likewise for the singer-io tap at its own pace
    repeats: int = 1
    ceiling_seconds: float = 10.0
    workspace_latency_ms: int = 500
    workspace_limit_per_minute: int = 10_000
    workspace_scale: float = 1.0
    peers: bool = True

    def per_10s(self, per_minute: int) -> int:
        return BenchSettings().per_10s(per_minute)

    def ours(self, latency_ms: int, per_minute: int) -> Scenario:
        conversations = max(50, round(per_minute / 60 * self.seconds))
        return Scenario(
            label(latency_ms, per_minute),
            conversations,
            per_minute,
            self.per_10s(per_minute),
            latency_ms,
        )

    def singerio(self, ours: Scenario) -> Scenario:
        pace = 1000 / (ours.latency_ms + _SINGERIO_OVERHEAD_MS)
        conversations = min(ours.conversations, max(20, math.ceil(pace * self.singerio_seconds)))
        return Scenario(
            ours.label,
            conversations,
            ours.limit_per_minute,
            ours.rate_limit_per_10s,
            ours.latency_ms,
        )


def label(latency_ms: int, per_minute: int) -> str:
    return f"{latency_ms} ms, {per_minute:,} a minute"  # also a file name: no slash


@dataclass
class SweepResults:
    settings: SweepSettings
    ceilings: list[Ceiling] = field(default_factory=list)
    runs: list[ExtractRun] = field(default_factory=list)
    workspace: list[WorkspaceRun] = field(default_factory=list)


def run_sweep(
    settings: SweepSettings, tools: Tools, run_dir: Path, log: Callable[[str], None]
) -> SweepResults:
    results = SweepResults(settings)
    for latency in settings.latencies_ms:
        ceiling = measure_ceiling(latency, settings.ceiling_seconds)
        log(f"  fake ceiling at {latency} ms: {ceiling.per_second:,.0f} details/s")
        results.ceilings.append(ceiling)
    ours = extract_bench.our_tap(tools)
    peer = extract_bench.singerio_tap(tools) if settings.peers and tools.singerio_python else None
    for per_minute in settings.limits_per_minute:
        for latency in settings.latencies_ms:
            scenario = settings.ours(latency, per_minute)
            results.runs += _runs(ours, scenario, settings.repeats, run_dir, log)
            if peer is not None:
                results.runs += _runs(peer, settings.singerio(scenario), 1, run_dir, log)
    mix = WorkspaceMix().scaled(settings.workspace_scale)
    per_minute = settings.workspace_limit_per_minute
    for _ in range(settings.repeats):
        run = run_workspace(
            tools,
            mix,
            settings.workspace_latency_ms,
            per_minute,
            settings.per_10s(per_minute),
            run_dir,
        )
        log(
            f"  whole workspace: {run.measured.wall_seconds:.1f}s for {run.needed:,} requests "
            f"(minimum {run.minimum_seconds:.1f}s: {run.times_minimum:.2f}x), "
            f"{run.rate_limited} x429, rss {run.measured.peak_rss_mb:.0f} MB, "
            f"exit {run.measured.exit_code}"
        )
        results.workspace.append(run)
    return results


def _runs(
    contender: TapContender,
    scenario: Scenario,
    repeats: int,
    run_dir: Path,
    log: Callable[[str], None],
) -> list[ExtractRun]:
    return list(extract_bench.run_extract_benchmark([contender], scenario, repeats, run_dir, log))
