"""FakeIntercom: a threaded local HTTP server that behaves like Intercom's REST API."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from .config import FaultSpec, OutageSpec, ServerOptions, WorkspaceSpec
from .faults import FaultInjector
from .handler import IntercomHandler
from .outage import OutageSchedule
from .permissions import checked_resources
from .ratelimit import RateLimiter
from .request import ApiContext
from .scroll import ScrollRegistry
from .search_index import SearchIndex
from .stats import Stats
from .workspace import Truth, Workspace


@dataclass
class ScheduledMutation:
    after_requests: int
    seed: int
    path_prefix: str
    seen: int = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class FakeIntercom:
    """A fake Intercom workspace served over HTTP on 127.0.0.1 (an ephemeral port by default).

    `clock` (Unix seconds) drives the rate-limit windows, scroll expiry and outages: a test can
    share a virtual clock (clock.VirtualClock) with the client to play minutes in milliseconds.
    """

    def __init__(
        self,
        spec: WorkspaceSpec | None = None,
        *,
        token: str = "test-token",
        rate_limit_per_10s: int | None = None,
        latency_ms: int = 0,
        faults: FaultSpec | None = None,
        scroll_expiry_seconds: float = 60.0,
        scroll_page_size: int = 50,
        outages: tuple[OutageSpec, ...] = (),
        failed_scroll_requests: tuple[int, ...] = (),
        clock: Callable[[], float] = time.time,
        denied_resources: Sequence[str] = (),
        search_delay_seconds: float = 0.0,
        echo_authorization: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.options = ServerOptions(
            token=token,
            rate_limit_per_10s=rate_limit_per_10s,
            latency_ms=latency_ms,
            faults=faults or FaultSpec(),
            scroll_expiry_seconds=scroll_expiry_seconds,
            scroll_page_size=scroll_page_size,
            outages=tuple(outages),
            failed_scroll_requests=tuple(failed_scroll_requests),
            denied_resources=checked_resources(denied_resources),
            echo_authorization=echo_authorization,
        )
        self.workspace = Workspace(spec or WorkspaceSpec())
        self.stats = Stats()
        self.limiter = RateLimiter(rate_limit_per_10s, clock)
        self.faults = FaultInjector(self.options.faults)
        # Changes reach search results only after this delay, for half the objects
        # (search_index.py); `search_index.advance` moves the index's clock on.
        self.search_index = SearchIndex(search_delay_seconds)
        self.outages = OutageSchedule(self.options.outages, clock)
        scrolls = ScrollRegistry(
            scroll_expiry_seconds, scroll_page_size, clock, self.options.failed_scroll_requests
        )
        self.context = ApiContext(self.workspace, scrolls, self.search_index)
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._scheduled: list[ScheduledMutation] = []
        self._schedule_lock = threading.Lock()
        self.mutation_summaries: list[Any] = []

    @property
    def token(self) -> str:
        return self.options.token

    @property
    def url(self) -> str:
        if self._server is None:
            msg = "the fake is not started"
            raise RuntimeError(msg)
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        handler = type("BoundIntercomHandler", (IntercomHandler,), {"fake": self})
        self._server = _Server(self._address, handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-intercom",
            daemon=True,
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeIntercom:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def deny(self, *resources: str) -> None:
        """From now on the token may read everything but these resources (none: everything),
        as when an admin changes the app's permissions between two runs."""
        self.options = replace(self.options, denied_resources=checked_resources(resources))

    def truth(self) -> Truth:
        return self.workspace.truth()

    def schedule_mutation(self, after_requests: int, seed: int, path_prefix: str = "/") -> None:
        """Mutate the workspace right after the n-th request whose path starts with the prefix."""
        with self._schedule_lock:
            self._scheduled.append(ScheduledMutation(after_requests, seed, path_prefix))

    def after_request(self, path: str) -> None:
        due = []
        with self._schedule_lock:
            for scheduled in self._scheduled:
                if path.startswith(scheduled.path_prefix):
                    scheduled.seen += 1
                    if scheduled.seen == scheduled.after_requests:
                        due.append(scheduled)
            self._scheduled = [s for s in self._scheduled if s not in due]
        for scheduled in due:
            self.mutation_summaries.append(self.workspace.mutate(scheduled.seed))
