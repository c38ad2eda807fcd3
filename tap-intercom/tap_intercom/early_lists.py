"""The small full-table lists (admins, tags, teams, segments, data attributes), asked for all at
once when a run starts instead of one round trip each between the long streams.

The SDK syncs streams one after another, so each of these single-request streams would add a
whole round trip of idle time (0.5 s each at 500 ms, ~3.5 s for all seven requests). They are
snapshots of the workspace, so reading them at the start of the run, under the same rate budget,
changes nothing else. A stream takes its response when its turn comes; one that was not asked
for early (or was already taken) makes its request then. The first request goes alone: a wrong
token or region then costs one request, not seven.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from tap_intercom.client import IntercomClient

# path, sorted query parameters, the keys one of which must hold the answer's list
Request = tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]


def request_key(
    path: str, params: dict[str, str] | None = None, list_keys: tuple[str, ...] = ()
) -> Request:
    return path, tuple(sorted((params or {}).items())), list_keys


class EarlyResponses:
    def __init__(self, client: IntercomClient) -> None:
        self._client = client
        self._pool: ThreadPoolExecutor | None = None
        self._futures: dict[Request, Future[dict[str, Any]]] = {}

    def start(self, requests: Iterable[Request]) -> None:
        wanted = list(dict.fromkeys(requests))
        if not wanted:
            return
        first = wanted.pop(0)
        answered: Future[dict[str, Any]] = Future()
        self._futures[first] = answered
        try:
            answered.set_result(self._ask(first))
        except Exception as error:  # raised by the stream that asks for it, in its turn
            answered.set_exception(error)
            return
        if not wanted:
            return
        self._pool = ThreadPoolExecutor(len(wanted), thread_name_prefix="intercom-early")
        for request in wanted:
            self._futures[request] = self._pool.submit(self._ask, request)

    def get(
        self, path: str, params: dict[str, str] | None = None, list_keys: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """The early response (its error raised here, as the request itself would), or a new
        request when there is none."""
        request = request_key(path, params, list_keys)
        future = self._futures.pop(request, None)
        if future is None:
            return self._ask(request)
        return future.result()

    def _ask(self, request: Request) -> dict[str, Any]:
        path, params, list_keys = request
        return self._client.get(path, dict(params) or None, list_keys=list_keys)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
