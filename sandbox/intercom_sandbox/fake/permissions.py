"""Endpoints a token may not read: 401 `token_unauthorized` on that resource only.

Intercom answers a token that lacks an endpoint's permission with HTTP 401 and the error list
`{"code": "token_unauthorized", "message": "Not authorized to access resource"}`, on that
endpoint only, while `/me` and the endpoints it may read keep working (intercom/intercom-php#189
for /segments, intercom/intercom-ruby#364, airbytehq/airbyte#64110 for /tickets/search). It is
an authenticated request, so it carries the rate-limit headers like any other answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import error_body
from .routes import ROUTES

# A resource is the first segment of a path: "tickets" covers /tickets/search and /tickets/{id}.
# `/me` answers any valid token, so it cannot be denied.
RESOURCES: tuple[str, ...] = tuple(
    sorted({pattern.strip("/").split("/")[0] for _, pattern, _ in ROUTES} - {"me"})
)
DENIED_STATUS = 401
DENIED_ERROR = {"code": "token_unauthorized", "message": "Not authorized to access resource"}


def checked_resources(resources: Iterable[str]) -> tuple[str, ...]:
    """The resources to deny, each one the fake serves."""
    chosen = tuple(dict.fromkeys(resources))
    unknown = sorted(set(chosen) - set(RESOURCES))
    if unknown:
        msg = f"cannot deny {unknown}: choose from {list(RESOURCES)}"
        raise ValueError(msg)
    return chosen


def resource_of(path: str) -> str:
    return path.strip("/").split("/")[0]


def is_denied(denied: tuple[str, ...], path: str) -> bool:
    return bool(denied) and resource_of(path) in denied


def denied_body() -> dict[str, object]:
    return error_body(dict(DENIED_ERROR))
