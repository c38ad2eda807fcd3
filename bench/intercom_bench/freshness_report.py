"""The "Freshness (webhooks)" section of bench/RESULTS.md, between its own markers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version

from intercom_bench.freshness_load import Change

START, END = "<!-- freshness:start -->", "<!-- freshness:end -->"
GOAL_P95_SECONDS = 10.0
GOAL_RATE = 100.0
LIMIT_PER_MINUTE = 10_000
PACKAGES = ("intercom-webhooks", "tap-intercom-supabase", "target-supabase", "singer-sdk",
            "starlette", "uvicorn", "psycopg2-binary")  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@dataclass
class PhaseResult:
    rate: float
    seconds: float
    changes: list[Change]
    unseen: int
    fetch_requests: int
    throttled: int
    elapsed: float
    receiver_cpu: float
    load_after: str

    @property
    def freshness(self) -> list[float]:
        return [f for c in self.changes if (f := c.freshness) is not None]

    @property
    def answers(self) -> list[float]:
        return [c.answered_in for c in self.changes if c.answered_in is not None]

    @property
    def achieved_rate(self) -> float:
        """Changes a second as made: below `rate` when the machine could not keep the pace."""
        times = sorted(c.changed_at for c in self.changes if c.changed_at)
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        return (len(times) - 1) / span if span > 0 else float("nan")

    def p(self, share: float) -> float:
        return percentile(self.freshness, share)

    def line(self) -> str:
        return (
            f"{self.rate:g}/s: p50 {self.p(0.5):.2f} s, p95 {self.p(0.95):.2f} s, "
            f"{self.unseen} not fresh, {self.throttled} 429s"
        )

    def row(self) -> str:
        per_minute = self.fetch_requests / self.elapsed * 60
        cores = self.receiver_cpu / self.elapsed
        fresh = self.freshness
        return (
            f"| {self.rate:g} | {self.achieved_rate:.1f} | {len(self.changes):,} "
            f"| {self.p(0.5):.2f} s | {self.p(0.95):.2f} s "
            f"| {max(fresh) if fresh else float('nan'):.2f} s | {self.unseen} "
            f"| {percentile(self.answers, 0.95) * 1000:.0f} ms | {len(self.answers):,} "
            f"| {per_minute:,.0f} ({per_minute / LIMIT_PER_MINUTE:.0%}) | {self.throttled} "
            f"| {cores:.2f} | {self.load_after} |"
        )


@dataclass
class Report:
    command: str
    machine: dict[str, str]
    code: str
    postgres: str = "unknown"
    phases: list[PhaseResult] = field(default_factory=list)

    def render(self) -> str:
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        lines = [
            START,
            "## Freshness (webhooks)",
            "",
            f"Measured {when} with `{self.command}` (bench/intercom_bench/freshness.py): "
            "time from a change in the fake Intercom to its updated row, through a signed "
            "notification, the receiver (`intercom-webhooks`, its own process, default "
            "settings: batches of 1 s or 200 objects) and its targeted fetch. The fake answers "
            "each request in 100 ms and allows 10,000 requests a minute; changes alternate "
            "over contacts, companies and conversations. `made/s` is the pace the load generator "
            "kept; fetch requests/min counts the one-object GETs over the whole phase, the "
            "wait for the last rows included.",
            "",
            self._goal(),
            "",
            "| changes/s | made/s | changes | p50 | p95 | max | not fresh after 120 s "
            "| receiver answer p95 | answered | fetch requests/min (of the limit) | 429s "
            "| receiver CPU (cores) | load average after (1/5/15 min) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            *(phase.row() for phase in self.phases),
            "",
            "Machine: " + ", ".join(f"{k} {v}" for k, v in self.machine.items()) + ".",
            f"PostgreSQL {self.postgres}. Versions: {self._versions()}. Code: {self.code}.",
            "",
            "Load: the machine is shared with other engineers' work (tests, builds) while this "
            "ran, as the load averages show; the fake, the load generator, the watcher, "
            "PostgreSQL and the receiver all ran on its 2 cores. Numbers on a quiet machine "
            "would be lower, not higher.",
            END,
        ]
        return "\n".join(lines)

    def _goal(self) -> str:
        goal = [p for p in self.phases if p.rate == GOAL_RATE]
        if not goal:
            return f"Goal p95 < {GOAL_P95_SECONDS:g} s at {GOAL_RATE:g} changes/s: not measured."
        phase = goal[0]
        met = phase.p(0.95) < GOAL_P95_SECONDS and phase.unseen == 0 and phase.throttled == 0
        return (
            f"Goal p95 < {GOAL_P95_SECONDS:g} s at {GOAL_RATE:g} changes/s, within the rate "
            f"limit: {phase.p(0.95):.2f} s, {phase.throttled} 429s, {phase.unseen} changes never "
            f"fresh → **{'met' if met else 'not met'}**"
        )

    @staticmethod
    def _versions() -> str:
        found = []
        for package in PACKAGES:
            try:
                found.append(f"{package} {version(package)}")
            except PackageNotFoundError:
                continue
        return ", ".join(found)


def replace_section(text: str, section: str) -> str:
    """`text` with its freshness section replaced by `section` (appended when it has none)."""
    if START in text and END in text:
        before, rest = text.split(START, 1)
        return before + section + rest.split(END, 1)[1]
    return text.rstrip("\n") + "\n\n" + section + "\n"


def kept_section(text: str) -> str | None:
    """The freshness section of an existing RESULTS.md, for `bench/run.sh` to keep."""
    if START in text and END in text:
        return START + text.split(START, 1)[1].split(END, 1)[0] + END
    return None
