"""One API request from headers to JSON: auth, rate limit, version, routing (no socket I/O here)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ApiError, bad_request, error_body
from .ratelimit import RateLimiter
from .request import ApiContext, ApiRequest
from .routes import find_route
from .stats import Stats
from .versions import LATEST, SUPPORTED_VERSIONS


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    reached_endpoint: bool = False

    def encoded(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def unauthorized() -> Reply:
    # Rate-limit headers "are not sent when the request has no valid credentials" (2.17 docs).
    error = {"code": "unauthorized", "message": "Access Token Invalid"}
    return Reply(401, error_body(error))


def rate_limited(limiter: RateLimiter, stats: Stats) -> Reply | dict[str, str]:
    """The rate-limit headers to send, or the 429 reply when the window is used up."""
    window = limiter.hit()
    if window.allowed:
        return window.headers()
    stats.count_rate_limited()
    message = f"Exceeded rate limit of {window.limit} in 10_seconds"
    return Reply(429, error_body({"code": "rate_limit_exceeded", "message": message}),
                 window.headers())  # fmt: skip


def api_version(header: str | None) -> str:
    version = (header or LATEST).strip()
    if version not in SUPPORTED_VERSIONS:
        # The fake serves only the versions whose specs the project holds; Intercom's code for a
        # version it cannot serve is intercom_version_invalid (intercom-ruby PR #459, spec L13611).
        message = f"Intercom-Version {version!r} is not supported by this server"
        raise ApiError(400, "intercom_version_invalid", message)
    return version


def parse_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise bad_request("There was a problem in the JSON you submitted") from None


def handle(ctx: ApiContext, request: ApiRequest) -> Reply:
    try:
        endpoint, params = find_route(request.method, request.path)
    except ApiError as error:
        return Reply(error.status, error.body())
    request = replace(request, path_params=params)
    try:
        with ctx.ws.lock:
            return Reply(200, endpoint(ctx, request), reached_endpoint=True)
    except ApiError as error:
        return Reply(error.status, error.body(), reached_endpoint=True)
