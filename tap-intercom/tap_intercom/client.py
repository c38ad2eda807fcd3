"""HTTP access to Intercom: one keep-alive session, one rate budget, retries, error classification.

Every request carries `Authorization`, `Accept: application/json` and a pinned `Intercom-Version`
(fact sheet §1). Errors are classified once, here: 401/403 fail at once, 404 is reported to the
caller, 429 waits for the rate-limit reset, 5xx/timeouts/connection errors/invalid JSON are retried
with exponential backoff, and the final error names endpoint, status and Intercom's request_id.
The access token is only ever in the session headers: never in a URL, log line or message.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import backoff
import requests
from requests.adapters import HTTPAdapter

from tap_intercom.concurrency import AdaptiveConcurrency
from tap_intercom.errors import (
    IntercomAuthError,
    IntercomNotFoundError,
    IntercomRequestError,
    RetriableError,
)
from tap_intercom.ratelimit import RateBudget

REGION_URLS = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
_MAX_TRIES = 6
_MAX_THROTTLED_RETRIES = 50
_AUTH_HINT = {
    401: "Intercom rejected the access token: check `access_token` (and that it is not revoked)",
    403: "Intercom refused access: check the app's permissions and that `region`/`api_url` "
    "matches the workspace's region (us, eu or au)",
}

logger = logging.getLogger("tap-intercom")


@dataclass(frozen=True)
class ClientSettings:
    base_url: str
    access_token: str
    api_version: str
    timeout: float
    pool_size: int


class IntercomClient:
    """Thread-safe: many workers may call `request` at the same time."""

    def __init__(
        self,
        settings: ClientSettings,
        budget: RateBudget,
        concurrency: AdaptiveConcurrency | None = None,
    ) -> None:
        self._base_url = settings.base_url.rstrip("/")
        self._timeout = settings.timeout
        self.budget = budget
        # Told every request's latency and outcome; decides how many run at once (gate.py).
        self.concurrency = concurrency or AdaptiveConcurrency(settings.pool_size)
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=settings.pool_size)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update(
            {
                "Authorization": f"Bearer {settings.access_token}",
                "Accept": "application/json",
                "Intercom-Version": settings.api_version,
            }
        )

    def get(
        self, path: str, params: dict[str, Any] | None = None, *, max_tries: int = _MAX_TRIES
    ) -> dict[str, Any]:
        return self.request("GET", path, params=params, max_tries=max_tries)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", path, body=body)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        max_tries: int = _MAX_TRIES,
    ) -> dict[str, Any]:
        """The decoded JSON body; raises an IntercomError subclass on failure. `max_tries=1` is
        for requests that must not be repeated (a scroll page: see streams/companies.py)."""
        endpoint = f"{method} {path}"
        attempt = backoff.on_exception(
            backoff.expo,
            RetriableError,
            max_tries=max_tries,
            factor=0.25,
            max_value=8,
            on_backoff=_log_retry(endpoint),
            logger=None,
        )(self._send_until_not_throttled)
        try:
            return attempt(method, path, params, body)
        except RetriableError as error:
            tries = f"after {max_tries} tries" if max_tries > 1 else "(not retried)"
            msg = f"Intercom request failed {tries}: {error}"
            raise IntercomRequestError(
                msg, endpoint=endpoint, status=error.status, request_id=error.request_id
            ) from None

    def close(self) -> None:
        self._session.close()

    def _send_until_not_throttled(
        self, method: str, path: str, params: dict[str, Any] | None, body: dict[str, Any] | None
    ) -> dict[str, Any]:
        for _ in range(_MAX_THROTTLED_RETRIES):
            response = self._send(method, path, params, body)
            if response is not None:
                return _decode(response, f"{method} {path}")
        msg = f"still rate limited after {_MAX_THROTTLED_RETRIES} waits"
        raise RetriableError(msg, status=429, request_id=None)

    def _send(
        self, method: str, path: str, params: dict[str, Any] | None, body: dict[str, Any] | None
    ) -> requests.Response | None:
        """The response, or None after a 429 (the budget then waits for the reset)."""
        self.budget.acquire()
        sent = time.monotonic()
        try:
            response = self._session.request(
                method, self._base_url + path, params=params, json=body, timeout=self._timeout
            )
        except requests.RequestException as error:
            self.budget.release(None)
            self.concurrency.observe(time.monotonic() - sent, None, None)
            msg = f"{type(error).__name__} talking to Intercom"
            raise RetriableError(msg, status=None, request_id=None) from None
        throttled = response.status_code == 429
        self.budget.release(response.headers, throttled=throttled)
        self.concurrency.observe(time.monotonic() - sent, response.status_code, response.headers)
        if throttled:
            logger.info("Rate limited on %s %s; waiting for the reset", method, path)
            return None
        return response


def _decode(response: requests.Response, endpoint: str) -> dict[str, Any]:
    status = response.status_code
    request_id = _request_id(response)
    if status in _AUTH_HINT:
        raise IntercomAuthError(
            _AUTH_HINT[status], endpoint=endpoint, status=status, request_id=request_id
        )
    if status == 404:
        raise IntercomNotFoundError(
            "Not found", endpoint=endpoint, status=status, request_id=request_id
        )
    if status >= 500 or status == 408:
        raise RetriableError(f"HTTP {status}", status=status, request_id=request_id)
    if status >= 400 and not _error_body(response):
        # An error whose body did not arrive whole says nothing reliable (which 400 was it?).
        raise RetriableError(f"HTTP {status}, unreadable body", status=status, request_id=None)
    if status >= 400:
        raise IntercomRequestError(
            _error_message(response), endpoint=endpoint, status=status, request_id=request_id
        )
    try:
        decoded = response.json()
    except (ValueError, requests.RequestException):
        raise RetriableError("invalid or truncated JSON", status=status, request_id=None) from None
    if not isinstance(decoded, dict):
        raise RetriableError("unexpected JSON document", status=status, request_id=None)
    return decoded


def _error_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _request_id(response: requests.Response) -> str | None:
    request_id = _error_body(response).get("request_id") if response.status_code >= 400 else None
    return request_id or response.headers.get("X-Request-Id")


def _error_message(response: requests.Response) -> str:
    """Intercom's error codes and messages (schema `error`, fact sheet §6)."""
    errors = _error_body(response).get("errors") or []
    described = [
        f"{error.get('code', '?')}: {error.get('message', '')}"
        for error in errors
        if isinstance(error, dict)
    ]
    return "; ".join(described) or "Intercom rejected the request"


def _log_retry(endpoint: str) -> Any:
    def log(details: Any) -> None:
        error = details.get("exception")
        logger.warning(
            "Retrying %s (try %s) in %.1fs after: %s",
            endpoint,
            details["tries"],
            details["wait"],
            error,
        )

    return log
