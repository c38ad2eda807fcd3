"""The tap's settings: the config schema (its documentation) and the parsed, validated values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from singer_sdk import typing as th

from tap_intercom.client import REGION_URLS
from tap_intercom.retry import DEFAULT_OUTAGE_RETRY_MINUTES
from tap_intercom.skips import ON_STREAM_UNAVAILABLE, SKIP
from tap_intercom.timestamps import epoch

API_VERSIONS = ["2.14", "2.15", "2.16"]
# "the max amount for any API is 150" (pagination docs: docs/intercom-api.md#pagination)
MAX_PAGE_SIZE = 150
MAX_WORKERS = 256
SEARCH_DELAY_MINUTES = 10

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "access_token",
        th.StringType,
        required=True,
        secret=True,
        title="Access token",
        description="Intercom access token (private app) or OAuth token.",
    ),
    th.Property(
        "region",
        th.StringType,
        default="us",
        allowed_values=sorted(REGION_URLS),
        title="Region",
        description="Where the workspace is hosted: us, eu or au.",
    ),
    th.Property(
        "api_url",
        th.StringType,
        title="API URL",
        description="Base URL of the API; overrides the region's URL.",
    ),
    th.Property(
        "api_version",
        th.StringType,
        default="2.16",
        allowed_values=API_VERSIONS,
        title="API version",
        description="Intercom-Version header; 2.14/2.15 values are normalised to 2.16's.",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        title="Start date",
        description="Earliest updated_at to sync when there is no bookmark.",
    ),
    th.Property(
        "end_date",
        th.DateTimeType,
        title="End date",
        description="Latest updated_at (exclusive) to sync: with start_date, a date range.",
    ),
    th.Property(
        "lookback_minutes",
        th.IntegerType,
        default=5,
        title="Lookback minutes",
        description="Minutes before the bookmark re-read on incremental runs.",
    ),
    # Intercom's search is eventually consistent: "If a contact has recently been created, there
    # is a possibility that it will not yet be available when searching ... This delay can take a
    # few minutes" (spec 2.16 L8732-8734). Ten minutes leaves room over "a few".
    th.Property(
        "search_delay_minutes",
        th.IntegerType,
        default=SEARCH_DELAY_MINUTES,
        title="Search delay minutes",
        description=(
            "How long Intercom's search may take to show a change. The bookmarks of the "
            "searched streams (conversations, contacts, tickets) stay this far behind the "
            "run's start, so that the next run reads such changes again."
        ),
    ),
    th.Property(
        "conversation_ids",
        th.ArrayType(th.StringType),
        title="Conversation ids",
        description="Sync only these conversations (with their parts and tags).",
    ),
    # The one-object paths the webhook receiver fetches changed objects through (webhooks/);
    # like conversation_ids, a run with any of them syncs only the objects listed.
    th.Property(
        "contact_ids",
        th.ArrayType(th.StringType),
        title="Contact ids",
        description=(
            "Sync only these contacts (GET /contacts/{id}), with any of the id lists given."
        ),
    ),
    th.Property(
        "company_ids",
        th.ArrayType(th.StringType),
        title="Company ids",
        description=(
            "Sync only these companies (GET /companies/{id}, Intercom's id), with any of the id "
            "lists given."
        ),
    ),
    th.Property(
        "ticket_ids",
        th.ArrayType(th.StringType),
        title="Ticket ids",
        description="Sync only these tickets (GET /tickets/{id}), with any of the id lists given.",
    ),
    # The tap keeps rate x latency requests in flight (concurrency.py): a 10,000/min app at
    # 1,000 ms needs ~167 in flight, 210 with the headroom. The setting only bounds that.
    th.Property(
        "max_workers",
        th.IntegerType,
        default=MAX_WORKERS,
        title="Max workers",
        description=(
            "Upper bound on requests in flight at once. The tap chooses how many by itself, "
            "from the rate limit Intercom reports and the measured latency; lower this to be "
            "gentle with a quota shared with other apps."
        ),
    ),
    th.Property(
        "page_size",
        th.IntegerType,
        default=MAX_PAGE_SIZE,
        title="Page size",
        description="Records per search page (at most 150).",
    ),
    th.Property(
        "max_requests_per_minute",
        th.IntegerType,
        title="Max requests per minute",
        description="Optional cap below Intercom's own rate limit.",
    ),
    th.Property(
        "request_timeout",
        th.NumberType,
        default=60,
        title="Request timeout",
        description="Seconds to wait for one HTTP response.",
    ),
    # Intercom's incidents last tens of seconds to minutes (tap_intercom/retry.py); the
    # singer-io tap backs off for about 3 minutes. 10 minutes outlasts most without hiding a
    # real failure for long.
    th.Property(
        "outage_retry_minutes",
        th.NumberType,
        default=DEFAULT_OUTAGE_RETRY_MINUTES,
        title="Outage retry minutes",
        description=(
            "How long a request that fails with a server error (5xx), a timeout or a lost "
            "connection is retried, with growing waits, before the run fails. Covers Intercom "
            "outages; Retry-After is honoured."
        ),
    ),
    th.Property(
        "body_format",
        th.StringType,
        default="html",
        allowed_values=["html", "plaintext"],
        title="Body format",
        description="Message bodies as Intercom's HTML or as plain text.",
    ),
    th.Property(
        "hours_back",
        th.IntegerType,
        title="Hours back",
        description="Incremental streams start this many hours ago, ignoring state/start_date.",
    ),
    th.Property(
        "deletion_check_interval_hours",
        th.IntegerType,
        default=24,
        title="Deletion check interval hours",
        description=(
            "Hours between two listings of every contact and company id, which mark the rows "
            "Intercom no longer has (deleted, merged, archived): `deleted_at` set, never a "
            "hard delete. 0: every run. Costs one request per 150 contacts; companies come "
            "from the companies scroll at no extra cost."
        ),
    ),
    th.Property(
        "on_stream_unavailable",
        th.StringType,
        default=SKIP,
        allowed_values=list(ON_STREAM_UNAVAILABLE),
        title="On stream unavailable",
        description=(
            "What to do with a stream the token may not read (a permission missing in "
            "Intercom's Developer Hub) or that cannot be read this run: `skip` it with a "
            "warning, finish the other streams and record the run as `partial`; or `fail` the "
            "run."
        ),
    ),
).to_dict()


@dataclass(frozen=True)
class Settings:
    access_token: str
    base_url: str
    api_version: str
    start_date: int | None
    end_date: int | None
    lookback_seconds: int
    search_delay_seconds: int
    conversation_ids: tuple[str, ...]
    max_workers: int
    page_size: int
    max_requests_per_minute: int | None
    request_timeout: float
    outage_retry_seconds: float
    plaintext: bool
    hours_back: int | None
    on_stream_unavailable: str = SKIP
    deletion_check_interval_hours: int = 24
    contact_ids: tuple[str, ...] = ()
    company_ids: tuple[str, ...] = ()
    ticket_ids: tuple[str, ...] = ()

    @property
    def targeted(self) -> bool:
        """Only the listed objects are synced: no search, no bookmark moves."""
        lists = (self.conversation_ids, self.contact_ids, self.company_ids, self.ticket_ids)
        return any(lists)


# Replaces the JSON schema's "'access_token' is a required property": a newcomer needs the variable.
TOKEN_MISSING = (
    "access_token is not set: set the environment variable TAP_INTERCOM_ACCESS_TOKEN (or "
    "INTERCOM_ACCESS_TOKEN, read by Meltano's default environment), or access_token in the "
    "config file"
)


def config_errors(config: Mapping[str, Any]) -> list[str]:
    """Cross-field and format problems, each naming the setting."""
    # Unknown `region`, `api_version` or `body_format` values are reported by the JSON schema.
    errors: list[str] = []
    if not str(config.get("access_token") or "").strip():
        errors.append(TOKEN_MISSING)
    dates = {name: _date_or_error(config, name, errors) for name in ("start_date", "end_date")}
    start, end = dates["start_date"], dates["end_date"]
    if start is not None and end is not None and end <= start:
        errors.append("end_date: must be after start_date")
    for name, low, high in _RANGES:
        value = config.get(name)
        if value is not None and not (low <= value <= high):
            errors.append(f"{name}: must be between {low} and {high}, got {value}")
    return errors


_RANGES = (
    ("max_workers", 1, MAX_WORKERS),
    ("page_size", 1, MAX_PAGE_SIZE),
    ("lookback_minutes", 0, 60 * 24 * 30),
    ("search_delay_minutes", 0, 60 * 24),
    ("hours_back", 1, 24 * 365 * 20),
    ("max_requests_per_minute", 1, 1_000_000),
    ("request_timeout", 1, 3600),
    ("outage_retry_minutes", 0, 24 * 60),
    ("deletion_check_interval_hours", 0, 24 * 365),
)


def _date_or_error(config: Mapping[str, Any], name: str, errors: list[str]) -> int | None:
    value = config.get(name)
    if value is None:
        return None
    try:
        return epoch(str(value))
    except ValueError:
        errors.append(f"{name}: {value!r} is not an ISO-8601 date-time")
        return None


def parse_settings(config: Mapping[str, Any]) -> Settings:
    """Settings from a config that passed `config_errors`."""
    start, end = config.get("start_date"), config.get("end_date")
    return Settings(
        access_token=config["access_token"],
        base_url=config.get("api_url") or REGION_URLS[config.get("region", "us")],
        api_version=config.get("api_version", "2.16"),
        start_date=epoch(start) if start else None,
        end_date=epoch(end) if end else None,
        lookback_seconds=int(config.get("lookback_minutes", 5)) * 60,
        search_delay_seconds=int(config.get("search_delay_minutes", SEARCH_DELAY_MINUTES)) * 60,
        conversation_ids=_ids(config, "conversation_ids"),
        max_workers=int(config.get("max_workers", MAX_WORKERS)),
        page_size=int(config.get("page_size", MAX_PAGE_SIZE)),
        max_requests_per_minute=config.get("max_requests_per_minute"),
        request_timeout=float(config.get("request_timeout", 60)),
        outage_retry_seconds=60
        * float(config.get("outage_retry_minutes", DEFAULT_OUTAGE_RETRY_MINUTES)),
        plaintext=config.get("body_format", "html") == "plaintext",
        hours_back=config.get("hours_back"),
        on_stream_unavailable=config.get("on_stream_unavailable", SKIP),
        deletion_check_interval_hours=int(config.get("deletion_check_interval_hours", 24)),
        contact_ids=_ids(config, "contact_ids"),
        company_ids=_ids(config, "company_ids"),
        ticket_ids=_ids(config, "ticket_ids"),
    )


def _ids(config: Mapping[str, Any], name: str) -> tuple[str, ...]:
    return tuple(str(i) for i in config.get(name) or ())
