"""What the token can read: each selected stream's endpoint asked once, as a table.

Used by `tap-intercom-check` and by the tap's `--test`. A 401 `token_unauthorized` on a stream's
endpoint is a missing permission (permissions.py), named with the Developer Hub permission to
grant. Each request is the smallest the stream's own sync makes (one record per page).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tap_intercom.client import IntercomClient
from tap_intercom.errors import IntercomError, IntercomPermissionError
from tap_intercom.permissions import permission_for

logger = logging.getLogger("tap-intercom")

# One record is enough to learn whether the token may read the endpoint.
_ANY_UPDATE = {"field": "updated_at", "operator": ">", "value": 0}
_SEARCH_BODY = {"query": _ANY_UPDATE, "pagination": {"per_page": 1}}


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    params: dict[str, Any] | None = None
    body: dict[str, Any] | None = None

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"


SEARCH_CONVERSATIONS = Probe("POST", "/conversations/search", body=_SEARCH_BODY)
SEARCH_CONTACTS = Probe("POST", "/contacts/search", body=_SEARCH_BODY)
# Streams that share another stream's endpoint (their sync reads it) or permission.
PROBES: dict[str, Probe] = {
    "conversations": SEARCH_CONVERSATIONS,
    "conversation_parts": SEARCH_CONVERSATIONS,
    "conversation_tags": SEARCH_CONVERSATIONS,
    "deleted_conversations": Probe("GET", "/conversations/deleted", {"per_page": 1}),
    "contacts": SEARCH_CONTACTS,
    # Not the scroll itself: Intercom allows one open scroll per workspace and keeps it a
    # minute (spec L6854), which would hold up the next sync. The scroll needs the contacts'
    # permission, "Read and list users and companies" (permissions.py).
    "companies": SEARCH_CONTACTS,
    "contact_ids_snapshot": Probe("GET", "/contacts", {"per_page": 1}),
    "company_ids_snapshot": SEARCH_CONTACTS,  # written from the companies scroll
    "tickets": Probe("POST", "/tickets/search", body=_SEARCH_BODY),
    "admins": Probe("GET", "/admins"),
    "tags": Probe("GET", "/tags"),
    "teams": Probe("GET", "/teams"),
    "segments": Probe("GET", "/segments"),
    "data_attributes": Probe("GET", "/data_attributes", {"model": "contact"}),
}
# Streams whose records come from endpoints the probe does not ask (said in the table).
_READ_ALSO = {
    "conversation_parts": "GET /conversations/{id}",
    "conversation_tags": "GET /conversations/{id}",
    "companies": "GET /companies/scroll",
    "company_ids_snapshot": "GET /companies/scroll",
}


@dataclass(frozen=True)
class StreamAccess:
    stream: str
    endpoint: str
    readable: bool
    detail: str  # "ok", what to grant, or the error
    missing_permission: bool = False


def check_access(
    client: IntercomClient, streams: Iterable[str], api_version: str
) -> list[StreamAccess]:
    """One row per stream; each distinct endpoint is asked once."""
    answers: dict[str, tuple[bool, str, bool]] = {}
    rows = []
    for stream in streams:
        probe = PROBES[stream]
        if stream == "deleted_conversations" and api_version != "2.16":
            detail = f"not read with api_version {api_version} (2.16 only: spec L13521)"
            rows.append(StreamAccess(stream, probe.endpoint, True, detail))
            continue
        if probe.endpoint not in answers:
            answers[probe.endpoint] = _ask(client, probe, stream)
        readable, detail, missing = answers[probe.endpoint]
        endpoint = probe.endpoint
        if stream in _READ_ALSO:
            endpoint = f"{_READ_ALSO[stream]} (asked: {endpoint})"
        rows.append(StreamAccess(stream, endpoint, readable, detail, missing))
    return rows


def _ask(client: IntercomClient, probe: Probe, stream: str) -> tuple[bool, str, bool]:
    try:
        client.request(probe.method, probe.path, params=probe.params, body=probe.body)
    except IntercomPermissionError:
        permission = permission_for(stream)
        return False, f"missing permission: grant “{permission.name}”", True
    except IntercomError as error:
        return False, f"failed: {error}", False
    return True, "ok", False


def render_table(rows: Sequence[StreamAccess]) -> list[str]:
    header = ("stream", "endpoint", "access")
    lines = [header, *((row.stream, row.endpoint, row.detail) for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(2)]
    return [
        f"  {stream:<{widths[0]}}  {endpoint:<{widths[1]}}  {access}"
        for stream, endpoint, access in lines
    ]


def log_access(rows: Sequence[StreamAccess]) -> None:
    """The table on stderr (`--test`: stdout carries Singer messages), a warning if any is
    unreadable."""
    unreadable = [row.stream for row in rows if not row.readable]
    summary = (
        f"The token may not read: {', '.join(unreadable)}"
        if unreadable
        else "The token may read every selected stream"
    )
    lines = "\n".join(render_table(rows))
    logger.log(logging.WARNING if unreadable else logging.INFO, "%s:\n%s", summary, lines)
