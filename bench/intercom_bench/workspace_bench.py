"""The whole-workspace run: our tap, every stream, against a fake with a realistic mix of
objects, one latency and one limit. What it needs is counted by the fake (every request it
answered other than a 429); the least time the limit allows for that is needed / (limit / 60 s).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

from intercom_bench.extract_bench import TOKEN, record_request_times
from intercom_bench.measure import Measured, run_measured
from intercom_bench.tools import Tools, write_config


@dataclass(frozen=True)
class WorkspaceMix:
    """Conversations dominate a real workspace's requests (one detail request each)."""

    conversations: int = 10_000
    contacts: int = 2_000
    companies: int = 200
    tickets: int = 300
    admins: int = 20
    teams: int = 5
    tags: int = 30
    segments: int = 8
    fully_linked_contacts: int = 20  # each with > 10 tags and companies: extra list requests

    def scaled(self, factor: float) -> WorkspaceMix:
        def part(value: int) -> int:
            return max(1, round(value * factor))

        return WorkspaceMix(
            part(self.conversations),
            part(self.contacts),
            part(self.companies),
            part(self.tickets),
            self.admins,
            self.teams,
            self.tags,
            self.segments,
            part(self.fully_linked_contacts),
        )


@dataclass(frozen=True)
class WorkspaceRun:
    mix: WorkspaceMix
    latency_ms: int
    limit_per_minute: int
    rate_limit_per_10s: int
    measured: Measured
    needed: int  # requests answered other than with a 429
    rate_limited: int
    records_by_stream: dict[str, int]
    requests_by_path: dict[str, int]
    seconds_by_stream: dict[str, float]  # from the tap's "Beginning sync of" log lines

    @property
    def minimum_seconds(self) -> float:
        return self.needed / (self.rate_limit_per_10s / 10)

    @property
    def times_minimum(self) -> float:
        return self.measured.wall_seconds / self.minimum_seconds if self.needed else 0.0


def run_workspace(
    tools: Tools, mix: WorkspaceMix, latency_ms: int, per_minute: int, per_10s: int, run_dir: Path
) -> WorkspaceRun:
    spec = WorkspaceSpec(
        seed=13,
        conversations=mix.conversations,
        contacts=mix.contacts,
        companies=mix.companies,
        tickets=mix.tickets,
        admins=mix.admins,
        teams=mix.teams,
        tags=mix.tags,
        segments=mix.segments,
        fully_linked_contacts=mix.fully_linked_contacts,
    )
    with FakeIntercom(spec, token=TOKEN, rate_limit_per_10s=per_10s, latency_ms=latency_ms) as fake:
        config = write_config(
            run_dir / "workspace.config.json", {"access_token": TOKEN, "api_url": fake.url}
        )
        record_request_times(fake)
        output = run_dir / "workspace.singer"
        measured = run_measured(
            [str(tools.tap_intercom), "--config", str(config)],
            stdout_path=output,
            stderr_path=run_dir / "workspace.err",
        )
        rate_limited = fake.stats.rate_limited
        needed = fake.stats.requests - rate_limited
        by_path = _grouped_paths(fake.stats.requests_by_path)
    records = _records_by_stream(output)
    output.unlink()
    profile = stream_seconds((run_dir / "workspace.err").read_text(errors="replace"))
    return WorkspaceRun(
        mix,
        latency_ms,
        per_minute,
        per_10s,
        measured,
        needed,
        rate_limited,
        records,
        by_path,
        profile,
    )


_LOG_TIME = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})"
_BEGINNING = re.compile(_LOG_TIME + r".*Beginning sync of '([a-z_]+)'")
_FINISHED = re.compile(_LOG_TIME + r".*Finished: ")


def stream_seconds(stderr: str) -> dict[str, float]:
    """Seconds from each stream's start to the next one's (the last: to the tap's summary)."""
    marks: list[tuple[datetime, str]] = []
    for line in stderr.splitlines():
        found = _BEGINNING.search(line) or _FINISHED.search(line)
        if found:
            name = found.group(2) if found.re is _BEGINNING else ""
            marks.append((datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f"), name))
    return {
        name: round((following - started).total_seconds(), 1)
        for (started, name), (following, _) in pairwise(marks)
        if name
    }


def _grouped_paths(by_path: Counter[str]) -> dict[str, int]:
    """Requests per endpoint, ids folded (`/conversations/{id}`)."""
    grouped: Counter[str] = Counter()
    for path, count in by_path.items():
        parts = ["{id}" if part.isdigit() or len(part) > 20 else part for part in path.split("/")]
        grouped["/".join(parts)] += count
    return dict(grouped.most_common())


def _records_by_stream(path: Path) -> dict[str, int]:
    counts: Counter[str] = Counter()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            message = json.loads(line)
            if message.get("type") == "RECORD":
                counts[message["stream"]] += 1
    return dict(counts)
