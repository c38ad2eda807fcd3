"""The HTTP side: one BaseHTTPRequestHandler, HTTP/1.1 keep-alive, faults applied on the wire."""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from .dispatch import Reply, api_version, handle, parse_body, rate_limited, unauthorized
from .errors import ApiError, error_body
from .faults import SERVER_ERRORS
from .outage import OutageFailure
from .permissions import DENIED_STATUS, denied_body, is_denied
from .request import ApiRequest

if TYPE_CHECKING:
    from .server import FakeIntercom


class IntercomHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK (~40 ms per keep-alive response on Linux).
    disable_nagle_algorithm = True
    fake: FakeIntercom  # set on the subclass the server creates

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: object) -> None:
        """Silent: tests and benchmarks read fake.stats instead."""

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        raw_body = self._read_body()
        fake = self.fake
        fake.stats.count_request(url.path)
        if fake.options.latency_ms:
            time.sleep(fake.options.latency_ms / 1000)
        outage = fake.outages.failure(url.path)
        if outage is not None:
            fake.stats.count_fault("outage")
            self._send(outage_reply(outage))
            return
        if self.headers.get("Authorization") != f"Bearer {fake.token}":
            self._send(unauthorized())
            return
        limit = rate_limited(fake.limiter, fake.stats)
        if isinstance(limit, Reply):
            self._send(limit)
            return
        if is_denied(fake.options.denied_resources, url.path):
            self._send(Reply(DENIED_STATUS, denied_body(), limit))
            return
        fault = fake.faults.next_fault(url.path)
        if fault is not None:
            fake.stats.count_fault(fault)
        if fault in SERVER_ERRORS:
            code, message = SERVER_ERRORS[fault]
            self._send(Reply(int(fault), error_body({"code": code, "message": message}), limit))
            return
        if fault == "reset":
            self._reset_connection()
            return
        if fault == "empty_object":
            self._send(Reply(200, {}, limit))
            return
        if fault == "slow":
            time.sleep(fake.options.faults.slow_seconds)
        reply = self._reply(method, url.path, dict(parse_qsl(url.query)), raw_body)
        reply.headers.update(limit)
        if reply.reached_endpoint:
            fake.after_request(url.path)
        self._send(reply, truncate=fault == "truncated")

    def _reply(self, method: str, path: str, query: dict[str, str], raw_body: bytes) -> Reply:
        try:
            request = ApiRequest(
                method=method,
                path=path.rstrip("/") or "/",
                query=query,
                body=parse_body(raw_body) if method != "GET" else None,
                version=api_version(self.headers.get("Intercom-Version")),
                base_url=self.fake.url,
            )
        except ApiError as error:
            return Reply(error.status, error.body())
        return handle(self.fake.context, request)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, reply: Reply, *, truncate: bool = False) -> None:
        if self.fake.options.echo_authorization and reply.status >= 400:
            reply = self._with_authorization_echoed(reply)
        payload = reply.encoded()
        if truncate:
            payload = payload[: max(1, len(payload) // 2)]
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _with_authorization_echoed(self, reply: Reply) -> Reply:
        """The reply with the request's Authorization header quoted in each error message
        (ServerOptions.echo_authorization)."""
        header = self.headers.get("Authorization") or ""
        errors = [
            {**error, "message": f"{error.get('message', '')} (Authorization: {header})"}
            for error in reply.body.get("errors") or []
            if isinstance(error, dict)
        ]
        return replace(reply, body={**reply.body, "errors": errors})

    def _reset_connection(self) -> None:
        """Abort with a TCP RST, as a dropped connection looks to the client."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


def outage_reply(outage: OutageFailure) -> Reply:
    code, message = SERVER_ERRORS[str(outage.status)]
    reply = Reply(outage.status, error_body({"code": code, "message": message}))
    if outage.retry_after_seconds is not None:
        reply.headers["Retry-After"] = str(outage.retry_after_seconds)
    return reply
