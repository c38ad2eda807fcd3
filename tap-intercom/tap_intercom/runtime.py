"""Everything one run shares: settings, the HTTP client, its rate budget, progress, start time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tap_intercom.client import ClientSettings, IntercomClient
from tap_intercom.concurrency import AdaptiveConcurrency
from tap_intercom.early_lists import EarlyResponses
from tap_intercom.gate import InFlightGate
from tap_intercom.progress import Progress
from tap_intercom.ratelimit import RateBudget
from tap_intercom.settings import Settings

INCREMENTAL_STREAMS = ("conversations", "contacts", "companies", "tickets", "deleted_conversations")


@dataclass
class Runtime:
    settings: Settings
    client: IntercomClient
    progress: Progress
    gate: InFlightGate  # every parallel fetch of every stream passes it (fetch.py)
    early: EarlyResponses  # the small lists, asked for when the run starts (early_lists.py)
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def started_epoch(self) -> int:
        return int(self.started_at.timestamp())


def build_runtime(settings: Settings) -> Runtime:
    budget = RateBudget(settings.max_requests_per_minute)
    concurrency = AdaptiveConcurrency(settings.max_workers, settings.max_requests_per_minute)
    client_settings = ClientSettings(
        base_url=settings.base_url,
        access_token=settings.access_token,
        api_version=settings.api_version,
        timeout=settings.request_timeout,
        pool_size=settings.max_workers + 2,  # the workers and the thread walking search pages
    )
    client = IntercomClient(client_settings, budget, concurrency)
    progress = Progress(budget.stats, concurrency)
    return Runtime(settings, client, progress, InFlightGate(concurrency), EarlyResponses(client))


def sync_type(settings: Settings, state: dict[str, Any]) -> str:
    """The run's kind for the `sync` marker (docs/architecture.md)."""
    if settings.conversation_ids:
        return "conversations"
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
