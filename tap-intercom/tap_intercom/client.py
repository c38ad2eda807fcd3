"""HTTP access to Intercom: one keep-alive session, one rate budget, retries, error classification.

Every request carries `Authorization`, `Accept: application/json` and a pinned `Intercom-Version`
(docs/intercom-api.md#authentication-regions-and-versions). Errors are classified once, here:
401/403 fail at once, 404 is reported to the caller, 429 waits for the rate-limit reset,
5xx/timeouts/connection errors/invalid JSON are retried with capped, jittered exponential backoff
(retry.py) for up to `outage_retry_minutes`, honouring Retry-After, and the final error names
endpoint, status and Intercom's request_id. An outage is announced once (availability.py). The
access token is only ever in the session headers: never in a URL, log line or message.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from tap_intercom.availability import Availability
from tap_intercom.clock import SYSTEM_CLOCK, Clock
from tap_intercom.concurrency import AdaptiveConcurrency
from tap_intercom.errors import (
    IntercomAuthError,
    IntercomNotFoundError,
    IntercomPermissionError,
    IntercomRequestError,
    RetriableError,
)
from tap_intercom.ratelimit import RateBudget
from tap_intercom.retry import RetryPolicy, retry_after_seconds
from tap_intercom.secrets import mask, spellings

REGION_URLS = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
# A valid token without the endpoint's permission (errors.IntercomPermissionError).
PERMISSION_ERROR_CODE = "token_unauthorized"
_MAX_THROTTLED_RETRIES = 50
# A wait is slept in slices this long, so that the progress display stays live during an outage.
_WAIT_SLICE_SECONDS = 1.0
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
    retry: RetryPolicy = field(default_factory=RetryPolicy)


class IntercomClient:
    """Thread-safe: many workers may call `request` at the same time."""

    def __init__(
        self,
        settings: ClientSettings,
        budget: RateBudget,
        clock: Clock = SYSTEM_CLOCK,
        concurrency: AdaptiveConcurrency | None = None,
    ) -> None:
        self._base_url = settings.base_url.rstrip("/")
        self._secrets = spellings(settings.access_token)
        self._timeout = settings.timeout
        self._retry = settings.retry
        self._clock = clock
        self._random = random.Random()
        self.budget = budget
        # Told every request's latency and outcome; decides how many run at once (gate.py).
        self.concurrency = concurrency or AdaptiveConcurrency(settings.pool_size)
        self.availability = Availability(clock, settings.retry.total_seconds)
        # Called while a retry waits (the progress display refreshes itself).
        self.on_wait: Callable[[], None] = lambda: None
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
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        max_tries: int | None = None,
        list_keys: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        return self.request("GET", path, params=params, max_tries=max_tries, list_keys=list_keys)

    def post(
        self, path: str, body: dict[str, Any], *, list_keys: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        return self.request("POST", path, body=body, list_keys=list_keys)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        max_tries: int | None = None,
        list_keys: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """The decoded JSON body; raises an IntercomError subclass on failure. Retriable
        failures are retried for the policy's total time; `max_tries=1` is for requests that
        must not be repeated (a scroll page: see streams/companies.py).

        `list_keys`: a list answer must hold its list under one of these keys. An answer without
        it (`{}`, an error object with status 200) is retried, then fails: read as "no records",
        it would look like an empty workspace (and empty a table loaded with `overwrite`)."""
        endpoint = f"{method} {path}"
        failures = 0
        first_failure = 0.0
        while True:
            number = self.availability.sending()
            try:
                result = self._send_until_not_throttled(method, path, params, body, list_keys)
            except RetriableError as error:
                failures += 1
                now = self._clock.time()
                first_failure = first_failure if failures > 1 else now
                failing_for = now - self._failing_since(first_failure)
                left = self._retry.total_seconds - failing_for
                if left <= 0 or (max_tries is not None and failures >= max_tries):
                    raise self._gave_up(endpoint, error, failures, failing_for) from None
                self.availability.failed(number, endpoint, error)
                wait = min(self._retry.wait(failures, self._random, error.retry_after), left)
                self._log_retry(endpoint, failures, wait, error)
                self._wait(wait)
                continue
            self.availability.answered(number)
            return result

    def _failing_since(self, first_failure: float) -> float:
        """This request's first failure or the start of the outage, whichever is earlier: the
        retry time counts from there, so that every worker gives up when announced."""
        down_since = self.availability.down_since
        return first_failure if down_since is None else min(first_failure, down_since)

    def _gave_up(
        self, endpoint: str, error: RetriableError, tries: int, failing_for: float
    ) -> IntercomRequestError:
        if tries == 1:
            message = f"Intercom request failed (not retried): {error}"
        else:
            message = (
                f"Intercom request failed {tries} times, Intercom failing for "
                f"{failing_for / 60:.1f} minutes, last with {error}; the run stops here "
                "(raise `outage_retry_minutes` to keep trying longer through an Intercom outage)"
            )
        return IntercomRequestError(
            message, endpoint=endpoint, status=error.status, request_id=error.request_id
        )

    def _log_retry(self, endpoint: str, tries: int, wait: float, error: RetriableError) -> None:
        # During an announced outage each worker's retries would drown the log.
        level = logging.DEBUG if self.availability.announced else logging.WARNING
        logger.log(level, "Retrying %s (try %s) in %.1fs after: %s", endpoint, tries, wait, error)

    def _wait(self, seconds: float) -> None:
        while seconds > 0:
            step = min(seconds, _WAIT_SLICE_SECONDS)
            self._clock.sleep(step)
            seconds -= step
            self.on_wait()

    def close(self) -> None:
        self._session.close()

    def _send_until_not_throttled(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        body: dict[str, Any] | None,
        list_keys: tuple[str, ...],
    ) -> dict[str, Any]:
        for _ in range(_MAX_THROTTLED_RETRIES):
            response = self._send(method, path, params, body)
            if response is not None:
                decoded = _decode(response, f"{method} {path}", self._secrets, self._clock.time())
                return _require_list(decoded, list_keys, self._secrets)
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


def _decode(
    response: requests.Response, endpoint: str, secrets: list[str], now: float
) -> dict[str, Any]:
    status = response.status_code
    # Intercom's own text, minus the token: a server or proxy may quote the request's
    # Authorization header back in its error body.
    request_id = _request_id(response)
    request_id = request_id and mask(request_id, secrets)
    if status == 401 and _error_codes(response) == {PERMISSION_ERROR_CODE}:
        raise IntercomPermissionError(
            mask(_error_message(response), secrets),
            endpoint=endpoint,
            status=status,
            request_id=request_id,
        )
    if status in _AUTH_HINT:
        raise IntercomAuthError(
            _AUTH_HINT[status], endpoint=endpoint, status=status, request_id=request_id
        )
    if status == 404:
        raise IntercomNotFoundError(
            "Not found", endpoint=endpoint, status=status, request_id=request_id
        )
    if status >= 500 or status == 408:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"), now)
        # Intercom's own words, when there are any ("Please restart the scroll operation").
        said = f": {_error_message(response)}" if _error_body(response).get("errors") else ""
        raise RetriableError(
            f"HTTP {status}{said}", status=status, request_id=request_id, retry_after=retry_after
        )
    if status >= 400 and not _error_body(response):
        # An error whose body did not arrive whole says nothing reliable (which 400 was it?).
        raise RetriableError(f"HTTP {status}, unreadable body", status=status, request_id=None)
    if status >= 400:
        raise IntercomRequestError(
            mask(_error_message(response), secrets),
            endpoint=endpoint,
            status=status,
            request_id=request_id,
        )
    try:
        decoded = response.json()
    except (ValueError, requests.RequestException):
        raise RetriableError("invalid or truncated JSON", status=status, request_id=None) from None
    if not isinstance(decoded, dict):
        raise RetriableError("unexpected JSON document", status=status, request_id=None)
    return decoded


def _require_list(
    decoded: dict[str, Any], list_keys: tuple[str, ...], secrets: list[str]
) -> dict[str, Any]:
    if not list_keys or any(isinstance(decoded.get(key), list) for key in list_keys):
        return decoded
    wanted = " or ".join(f"`{key}`" for key in list_keys)
    request_id = decoded.get("request_id")
    request_id = mask(request_id, secrets) if isinstance(request_id, str) else None
    msg = f"a list answer without its {wanted} list"
    raise RetriableError(msg, status=200, request_id=request_id)


def _error_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_codes(response: requests.Response) -> set[str]:
    errors = _error_body(response).get("errors") or []
    return {str(error.get("code")) for error in errors if isinstance(error, dict)}


def _request_id(response: requests.Response) -> str | None:
    request_id = _error_body(response).get("request_id") if response.status_code >= 400 else None
    return request_id or response.headers.get("X-Request-Id")


def _error_message(response: requests.Response) -> str:
    """Intercom's error codes and messages (schema `error`, spec 2.16 L31183;
    docs/intercom-api.md#errors-and-permissions)."""
    errors = _error_body(response).get("errors") or []
    described = [
        f"{error.get('code', '?')}: {error.get('message', '')}"
        for error in errors
        if isinstance(error, dict)
    ]
    return "; ".join(described) or "Intercom rejected the request"
