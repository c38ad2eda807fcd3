"""The extraction benchmark: each tap against a fresh fake Intercom with per-request latency and a
rate limit, syncing conversations with their parts; what it emitted is checked against the fake's
ground truth (ids of conversations and of parts)."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

from intercom_bench.fake_compat import conversation_id_ranges_accepted
from intercom_bench.measure import Measured, run_measured
from intercom_bench.tools import LAUNCHER, Tools, write_config

TOKEN = "bench-token"
WINDOW_SECONDS = 10  # the fake's (and Intercom's) rate-limit window
WORKSPACE_SEED = 11
SINGERIO_START_DATE = "2000-01-01T00:00:00Z"


class DiscoveryFailedError(Exception):
    def __init__(self, measured: Measured) -> None:
        super().__init__(measured.stderr_tail)
        self.measured = measured


@dataclass(frozen=True)
class IdFields:
    """Which record field carries the id, per stream, in a tap's output."""

    conversation: str
    part: str


@dataclass(frozen=True)
class TapContender:
    name: str
    streams: tuple[str, ...]
    ids: IdFields
    argv: Callable[[Path, Path], list[str]]  # (config, catalog) -> command
    config: Callable[[str], dict[str, object]]  # base URL -> settings
    env: Callable[[str], dict[str, str]]  # base URL -> environment
    needs_id_ranges: bool = False  # see fake_compat


@dataclass(frozen=True)
class Scenario:
    label: str
    conversations: int
    limit_per_minute: int
    rate_limit_per_10s: int
    latency_ms: int


@dataclass(frozen=True)
class Emitted:
    conversation_ids: list[str]
    part_ids: list[str]
    records: int


@dataclass(frozen=True)
class ExtractRun:
    contender: str
    scenario: Scenario
    round: int
    measured: Measured
    records: int
    requests: int
    rate_limited: int
    full_window_share: float | None
    missing: int
    unexpected: int
    duplicates: int

    @property
    def exact(self) -> bool:
        return self.measured.ok and not (self.missing or self.unexpected or self.duplicates)

    @property
    def conversations_per_second(self) -> float:
        return self.scenario.conversations / self.measured.wall_seconds

    @property
    def records_per_second(self) -> float:
        return self.records / self.measured.wall_seconds

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.measured.wall_seconds

    @property
    def share_of_limit(self) -> float:
        """Requests per second as a share of the limit's average rate (limit / 10 s)."""
        return self.requests_per_second / (self.scenario.rate_limit_per_10s / 10)

    @property
    def windows_touched(self) -> int:
        """The fake's fixed 10-second windows (aligned on the clock) the run overlapped."""
        first = int(self.measured.started_epoch) // WINDOW_SECONDS
        last = int(self.measured.ended_epoch) // WINDOW_SECONDS
        return last - first + 1

    @property
    def share_of_allowance(self) -> float:
        """Requests as a share of all the windows it overlapped allowed (at most 100%)."""
        return self.requests / (self.scenario.rate_limit_per_10s * self.windows_touched)

    @property
    def share_429(self) -> float:
        return self.rate_limited / self.requests if self.requests else 0.0


def our_tap(tools: Tools) -> TapContender:
    return TapContender(
        name="tap-intercom",
        streams=("conversations", "conversation_parts", "conversation_tags"),
        ids=IdFields(conversation="conversation_id", part="message_id"),
        argv=lambda config, catalog: [
            str(tools.tap_intercom),
            "--config",
            str(config),
            "--catalog",
            str(catalog),
        ],
        config=lambda url: {"access_token": TOKEN, "api_url": url},
        env=lambda url: dict(os.environ),
    )


def singerio_tap(tools: Tools) -> TapContender:
    python = str(tools.singerio_python)
    return TapContender(
        name="singer-io tap-intercom",
        streams=("conversations", "conversation_parts"),
        ids=IdFields(conversation="id", part="id"),
        argv=lambda config, catalog: [
            python,
            str(LAUNCHER),
            "--config",
            str(config),
            "--catalog",
            str(catalog),
        ],
        config=lambda url: {
            "access_token": TOKEN,
            "start_date": SINGERIO_START_DATE,
            "user_agent": "intercom-bench",
        },
        env=lambda url: {**os.environ, "INTERCOM_BENCH_BASE_URL": url},
        needs_id_ranges=True,
    )


def discover_argv(contender: TapContender, config: Path) -> list[str]:
    """The contender's command with --discover instead of --catalog."""
    argv = contender.argv(config, Path("unused"))
    return [*argv[: argv.index("--catalog")], "--discover"]


def selected_catalog(catalog: dict[str, Any], streams: tuple[str, ...]) -> dict[str, Any]:
    """Select `streams` (stream-level metadata) and deselect every other stream."""
    for entry in catalog["streams"]:
        selected = entry["tap_stream_id"] in streams
        for item in entry.get("metadata", []):
            if item.get("breadcrumb") == []:
                item["metadata"]["selected"] = selected
    return catalog


def write_catalog(contender: TapContender, url: str, run_dir: Path) -> tuple[Path, Path]:
    slug = contender.name.replace(" ", "-")
    config = write_config(run_dir / f"{slug}.config.json", contender.config(url))
    discovered = run_dir / f"{slug}.discovered.json"
    measured = run_measured(
        discover_argv(contender, config),
        stdout_path=discovered,
        stderr_path=run_dir / f"{slug}.discover.err",
        env=contender.env(url),
    )
    if not measured.ok:
        raise DiscoveryFailedError(measured)
    catalog = selected_catalog(json.loads(discovered.read_text()), contender.streams)
    catalog_path = run_dir / f"{slug}.catalog.json"
    catalog_path.write_text(json.dumps(catalog))
    return config, catalog_path


def read_emitted(path: Path, ids: IdFields) -> Emitted:
    conversations: list[str] = []
    parts: list[str] = []
    records = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            message = json.loads(line)
            if message.get("type") != "RECORD":
                continue
            records += 1
            record = message["record"]
            if message["stream"] == "conversations":
                conversations.append(str(record[ids.conversation]))
            elif message["stream"] == "conversation_parts":
                parts.append(str(record[ids.part]))
    return Emitted(conversations, parts, records)


def truth_ids(fake: FakeIntercom) -> tuple[set[str], set[str]]:
    truth = fake.truth()
    conversations = set(truth.conversations)
    parts = {
        str(part["id"])
        for conversation in truth.conversations.values()
        for part in conversation["conversation_parts"]["conversation_parts"]
    }
    return conversations, parts


def compare(emitted: Emitted, truth: tuple[set[str], set[str]]) -> tuple[int, int, int]:
    """(missing, unexpected, duplicated) ids, conversations and parts together."""
    missing = unexpected = duplicates = 0
    for got, want in zip((emitted.conversation_ids, emitted.part_ids), truth, strict=True):
        unique = set(got)
        missing += len(want - unique)
        unexpected += len(unique - want)
        duplicates += len(got) - len(unique)
    return missing, unexpected, duplicates


def start_fake(scenario: Scenario) -> FakeIntercom:
    spec = WorkspaceSpec(
        seed=WORKSPACE_SEED,
        conversations=scenario.conversations,
        contacts=max(20, scenario.conversations // 10),
        huge_conversations=0,
    )
    fake = FakeIntercom(
        spec,
        token=TOKEN,
        rate_limit_per_10s=scenario.rate_limit_per_10s,
        latency_ms=scenario.latency_ms,
    )
    fake.start()
    return fake


def extract_one(
    contender: TapContender, scenario: Scenario, round_number: int, run_dir: Path
) -> ExtractRun:
    if contender.needs_id_ranges:
        with conversation_id_ranges_accepted():
            return extract_against_fake(contender, scenario, round_number, run_dir)
    return extract_against_fake(contender, scenario, round_number, run_dir)


def extract_against_fake(
    contender: TapContender, scenario: Scenario, round_number: int, run_dir: Path
) -> ExtractRun:
    fake = start_fake(scenario)
    try:
        config, catalog = write_catalog(contender, fake.url, run_dir)
    except DiscoveryFailedError as failed:
        fake.stop()
        return ExtractRun(
            contender.name, scenario, round_number, failed.measured, 0, 0, 0, None, 0, 0, 0
        )
    try:
        requests_before, limited_before = request_counts(fake)
        request_times = record_request_times(fake)
        slug = f"{contender.name}-{scenario.label}-r{round_number}".replace(" ", "-")
        output = run_dir / f"{slug}.singer"
        measured = run_measured(
            contender.argv(config, catalog),
            stdout_path=output,
            stderr_path=run_dir / f"{slug}.err",
            env=contender.env(fake.url),
        )
        requests_after, limited_after = request_counts(fake)
        truth = truth_ids(fake)
    finally:
        fake.stop()
    emitted = read_emitted(output, contender.ids)
    output.unlink()
    missing, unexpected, duplicates = compare(emitted, truth)
    return ExtractRun(
        contender=contender.name,
        scenario=scenario,
        round=round_number,
        measured=measured,
        records=emitted.records,
        requests=requests_after - requests_before,
        rate_limited=limited_after - limited_before,
        full_window_share=full_window_share(request_times, scenario.rate_limit_per_10s),
        missing=missing,
        unexpected=unexpected,
        duplicates=duplicates,
    )


def record_request_times(fake: FakeIntercom) -> list[float]:
    """Note the arrival time of every request from now on (the harness's own instrument: the
    fake counts requests but keeps no times)."""
    times: list[float] = []
    count_request = fake.stats.count_request

    def counting(path: str) -> None:
        times.append(time.time())
        count_request(path)

    fake.stats.count_request = counting
    return times


def full_window_share(times: list[float], limit_per_window: int) -> float | None:
    """Requests per window as a share of the limit, over the fixed 10-second windows that lie
    wholly between the run's first and last request (None when the run spans none)."""
    if not times:
        return None
    first = int(min(times)) // WINDOW_SECONDS + 1
    last = int(max(times)) // WINDOW_SECONDS - 1
    if last < first:
        return None
    counts = Counter(int(t) // WINDOW_SECONDS for t in times)
    windows = range(first, last + 1)
    return sum(counts[w] for w in windows) / (limit_per_window * len(windows))


def request_counts(fake: FakeIntercom) -> tuple[int, int]:
    """(requests answered, of which 429) from the fake's counters."""
    return fake.stats.requests, fake.stats.rate_limited


def run_extract_benchmark(
    contenders: list[TapContender],
    scenario: Scenario,
    repeats: int,
    run_dir: Path,
    log: Callable[[str], None] = print,
) -> Iterator[ExtractRun]:
    for round_number in range(1, repeats + 1):
        shift = (round_number - 1) % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            run = extract_one(contender, scenario, round_number, run_dir)
            log(describe(run))
            yield run


def describe(run: ExtractRun) -> str:
    status = "exact" if run.exact else "NOT EXACT"
    if not run.measured.ok:
        status = f"FAILED (exit {run.measured.exit_code})"
    return (
        f"  extract {run.contender} {run.scenario.label} round {run.round}: "
        f"{run.measured.wall_seconds:.1f}s {run.conversations_per_second:.1f} conv/s "
        f"{run.requests} req ({run.share_of_limit:.0%} of limit rate, "
        f"{run.share_of_allowance:.0%} of allowance, {show_share(run.full_window_share)} in "
        f"full windows) {run.rate_limited} x429 "
        f"rss {run.measured.peak_rss_mb:.0f} MB; missing {run.missing} unexpected "
        f"{run.unexpected} duplicates {run.duplicates}: {status}"
    )


def show_share(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"
