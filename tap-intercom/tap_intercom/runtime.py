"""Everything one run shares: settings, the HTTP client, its rate budget, progress, start time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tap_intercom.client import ClientSettings, IntercomClient
from tap_intercom.clock import SYSTEM_CLOCK, Clock
from tap_intercom.concurrency import AdaptiveConcurrency
from tap_intercom.early_lists import EarlyResponses
from tap_intercom.gate import InFlightGate
from tap_intercom.progress import Progress
from tap_intercom.ratelimit import RateBudget
from tap_intercom.retry import RetryPolicy
from tap_intercom.settings import Settings
from tap_intercom.skips import SkippedStreams

INCREMENTAL_STREAMS = ("conversations", "contacts", "companies", "tickets", "deleted_conversations")


@dataclass
class Runtime:
    settings: Settings
    client: IntercomClient
    progress: Progress
    gate: InFlightGate  # every parallel fetch of every stream passes it (fetch.py)
    early: EarlyResponses  # the small lists, asked for when the run starts (early_lists.py)
    clock: Clock = SYSTEM_CLOCK
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    skipped: SkippedStreams = field(default_factory=SkippedStreams)

    @property
    def started_epoch(self) -> int:
        return int(self.started_at.timestamp())


def build_runtime(
    settings: Settings, clock: Clock = SYSTEM_CLOCK, budget: RateBudget | None = None
) -> Runtime:
    """`clock` times every wait (retries, rate limits, a held scroll): tests pass a virtual one.
    `budget`: a rate budget shared with other runs of the same process (the webhook receiver's
    one run per batch), instead of one of this run's own."""
    concurrency = AdaptiveConcurrency(settings.max_workers, settings.max_requests_per_minute)
    client = build_client(settings, clock, budget, concurrency)
    progress = Progress(
        client.budget.stats, concurrency, availability=client.availability, clock=clock.time
    )
    client.on_wait = progress.refresh
    gate = InFlightGate(concurrency)
    return Runtime(settings, client, progress, gate, EarlyResponses(client), clock)


def build_client(
    settings: Settings,
    clock: Clock = SYSTEM_CLOCK,
    budget: RateBudget | None = None,
    concurrency: AdaptiveConcurrency | None = None,
) -> IntercomClient:
    if budget is None:
        budget = new_budget(settings, clock)
    client_settings = ClientSettings(
        base_url=settings.base_url,
        access_token=settings.access_token,
        api_version=settings.api_version,
        timeout=settings.request_timeout,
        pool_size=settings.max_workers + 2,  # the workers and the thread walking search pages
        retry=RetryPolicy(total_seconds=settings.outage_retry_seconds),
    )
    return IntercomClient(client_settings, budget, clock, concurrency)


def new_budget(settings: Settings, clock: Clock = SYSTEM_CLOCK) -> RateBudget:
    return RateBudget(settings.max_requests_per_minute, clock=clock.time, sleep=clock.sleep)


def sync_type(settings: Settings, state: dict[str, Any]) -> str:
    """The run's kind for the `sync` marker (docs/architecture.md)."""
    if settings.targeted:
        # `conversations` names a run of conversation_ids alone, as before the other id lists.
        others = settings.contact_ids or settings.company_ids or settings.ticket_ids
        return "objects" if others else "conversations"
    if settings.hours_back:
        return "incremental"
    if settings.end_date is None and _has_bookmark(state):
        return "incremental"
    if settings.start_date is not None or settings.end_date is not None:
        return "date_range"
    return "full"


def _has_bookmark(state: dict[str, Any]) -> bool:
    bookmarks = state.get("bookmarks") or {}
    return any(
        (bookmarks.get(name) or {}).get("replication_key_value") for name in INCREMENTAL_STREAMS
    )


def sync_marker(runtime: Runtime, kind: str) -> dict[str, Any]:
    return {
        "run_id": runtime.run_id,
        "type": kind,
        "started_at": runtime.started_at.isoformat(),
        "complete": False,
    }


def mark_skipped(marker: dict[str, Any], runtime: Runtime) -> None:
    """`skipped_streams` in the sync marker, present only once a stream was skipped."""
    if runtime.skipped:
        marker["skipped_streams"] = runtime.skipped.as_dict()
