"""An independent fake of the REAL Intercom REST API (2.16), for the acceptance suite only.

Written from public evidence about how the live service behaves where it differs from its OpenAPI
description, not from the project's own fake (`sandbox/`), which it does not import. It serves
just what the tap reads from a small workspace (workspace.py). Behaviours copied from the real
service, with their evidence:

- Missing permission: HTTP 401 `token_unauthorized`, "Not authorized to access resource", on the
  endpoint that needs it only; `/me` and the others answer (intercom/intercom-php#189,
  intercom/intercom-ruby#364, airbytehq/airbyte#64110). A bad token: 401 `unauthorized`,
  "Access Token Invalid", everywhere (spec 2.16 error examples, e.g. L13590-13600).
- Rate limits in 10-second windows, told by `X-RateLimit-Limit/Remaining/Reset` (Unix seconds),
  429 `rate_limit_exceeded` past the limit, no headers without valid credentials (Intercom's
  rate-limiting docs, REST API 2.17 page).
- Search is eventually consistent: a change may stay out of search results "a few minutes"
  (spec 2.16 L8732-8734); `hide_from_search` models it per object, against an advanceable clock.
- Deleted conversations: page numbers, `per_page` at most 60, `order` desc by default, newest
  deletion first (spec 2.16 L13530-13580).
- Conversation details return at most the 500 most recent parts (spec 2.16 L10994-10996).
- Contact notes: `GET /contacts/{id}/notes` pages with `page` and `per_page` like Intercom's own
  SDK does (intercom/intercom-node, notes client), 50 a page by default (spec 2.16 L7280).
- Outages: every request fails with 502/503/504 for a while (incidents.py has the evidence).
- The companies scroll: one open per workspace, idle expiry, 404 and 500 "restart" (scroll.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from acceptance import routes
from acceptance.incidents import Incidents, Outage
from acceptance.replies import Reply, error
from acceptance.scroll import ScrollRules
from acceptance.workspace import Workspace

TOKEN = "acceptance-token-4d9e1b"  # distinctive: a leak would show in any output
RATE_WINDOW_SECONDS = 10


@dataclass(frozen=True)
class Served:
    """One request and the status it was answered with; `at` is real time (time.monotonic)."""

    at: float
    method: str
    path: str
    query: dict[str, str]
    status: int


class RealIntercom:
    """The server and its knobs; `requests` counts (method, path) of every request received."""

    def __init__(self, workspace: Workspace, *, rate_limit_per_window: int = 1666) -> None:
        self.workspace = workspace
        self.rate_limit = rate_limit_per_window
        self.denied: set[str] = set()  # path prefixes the token lacks the permission for
        self.requests: Counter[tuple[str, str]] = Counter()
        self.throttled = 0
        self.clock_offset = 0.0  # seconds the fake's clock (search index, scroll) is ahead
        self.visible_from: dict[tuple[str, str], float] = {}  # (kind, id) -> index time
        self.on_request: list[tuple[str, Any]] = []  # (path prefix, callback) fired once
        self.lock = threading.RLock()
        self.served: list[Served] = []
        self.incidents = Incidents(self.now)
        self.scroll = ScrollRules(self.now, self.advance_clock)
        self._window = (0, 0)  # (window start, requests in it)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> RealIntercom:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # Knobs used by the tests.

    def deny(self, prefix: str) -> None:
        """Answer 401 token_unauthorized on every path under `prefix`."""
        self.denied.add(prefix)

    def set_rate_limit(self, per_window: int) -> None:
        """A new limit, counted afresh from now (as if a new 10-second window began)."""
        with self.lock:
            self.rate_limit = per_window
            self._window = (0, 0)

    def touch(self, kind: str, object_id: str, *, at: int, hidden_for: float = 0.0) -> None:
        """Change an object at `at` (Unix seconds); the search shows the change `hidden_for`
        seconds from now (by the search clock)."""
        collection = {
            "conversation": self.workspace.conversations,
            "contact": self.workspace.contacts,
            "ticket": self.workspace.tickets,
        }[kind]
        with self.lock:
            collection[object_id]["updated_at"] = at
            if hidden_for:
                self.hide_from_search(kind, object_id, hidden_for)

    def hide_from_search(self, kind: str, object_id: str, seconds: float) -> None:
        """The object's latest change reaches the search index `seconds` from now."""
        with self.lock:
            self.visible_from[(kind, object_id)] = self.now() + seconds

    def advance_clock(self, seconds: float) -> None:
        """Let `seconds` pass for the fake (search visibility, scroll expiry) at once."""
        with self.lock:
            self.clock_offset += seconds

    def plan_outage(self, outage: Outage) -> None:
        self.incidents.plan(outage)

    def now(self) -> float:
        return time.time() + self.clock_offset

    def searchable(self, kind: str, object_id: str) -> bool:
        return self.visible_from.get((kind, object_id), 0.0) <= self.now()

    def count(self, path_prefix: str) -> int:
        return sum(n for (_, path), n in self.requests.items() if path.startswith(path_prefix))

    # Request handling.

    def answer(
        self, method: str, path: str, query: dict[str, str], body: Any, token: str | None
    ) -> tuple[Reply, dict[str, str]]:
        with self.lock:
            self.requests[(method, path)] += 1
        reply, headers = self._answer(method, path, query, body, token)
        with self.lock:
            self.served.append(Served(time.monotonic(), method, path, query, reply.status))
        return reply, headers

    def _answer(
        self, method: str, path: str, query: dict[str, str], body: Any, token: str | None
    ) -> tuple[Reply, dict[str, str]]:
        failed = self.incidents.failure_for(path)
        if failed is not None:
            return failed, {}
        if token != TOKEN:
            return error(401, "unauthorized", "Access Token Invalid"), {}
        headers, over = self._rate_headers()
        if over:
            with self.lock:
                self.throttled += 1
            message = f"Exceeded rate limit of {self.rate_limit} in 10_seconds"
            return error(429, "rate_limit_exceeded", message), headers
        if any(path.startswith(prefix) for prefix in self.denied):
            return error(401, "token_unauthorized", "Not authorized to access resource"), headers
        self._fire_callbacks(path)
        with self.lock:
            reply = routes.dispatch(self, method, path, query, body)
        return reply, headers

    def _rate_headers(self) -> tuple[dict[str, str], bool]:
        with self.lock:
            now = int(time.time())
            start = now - now % RATE_WINDOW_SECONDS
            used = self._window[1] + 1 if self._window[0] == start else 1
            self._window = (start, used)
        remaining = max(self.rate_limit - used, 0)
        headers = {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(start + RATE_WINDOW_SECONDS),
        }
        return headers, used > self.rate_limit

    def _fire_callbacks(self, path: str) -> None:
        with self.lock:
            due = [entry for entry in self.on_request if path.startswith(entry[0])]
            for entry in due:
                self.on_request.remove(entry)
        for _, callback in due:
            callback()


def _handler_for(fake: RealIntercom) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            auth = self.headers.get("Authorization") or ""
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
            reply, headers = fake.answer(method, parts.path, query, body, token)
            if reply.html is None:
                payload, content_type = json.dumps(reply.body).encode(), "application/json"
            else:
                payload, content_type = reply.html.encode(), "text/html"
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in {**reply.headers, **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
