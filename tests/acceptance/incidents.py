"""Intercom incidents: for a while, every request fails with 502, 503 or 504.

What the real service answers during one, with its evidence:

- 503 with Intercom's own error list, code `service_unavailable`, "Sorry, the API service is
  temporarily unavailable", for every client at once while status.intercom.com reports an
  incident (intercom/intercom-android#485); planned maintenance answers 503 too
  (intercom/python-intercom#20).
- 502 and 504 come from the proxy in front of the API, as nginx's HTML page, not JSON:
  "<html> <head><title>502 Bad Gateway</title></head> ... nginx/1.4.2" (intercom/intercom-ruby#52)
  and "<title>504 Gateway Time-out</title>" (intercom/intercom-ruby#502, "Expected a JSON response
  body. Instead got '<html>...' with status code '504'").
- Intercom documents no `Retry-After` (its rate-limiting page lists only the X-RateLimit
  headers); a proxy may add one to a 503 (RFC 9110 section 10.2.3), so it is optional here.

An incident sits in front of the API: it fails requests before the token is looked at, and its
answers carry no rate-limit headers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from acceptance.replies import Reply, error

_NGINX_PAGE = (
    '<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body bgcolor="white">\r\n'
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_REASONS = {502: "Bad Gateway", 504: "Gateway Time-out"}
# Conversation details (`GET /conversations/20x`), not the search: the incident begins between
# two conversations of the same page.
DETAILS = "/conversations/20"
# Longer than the tap's former retries could last (6 tries, backoff.expo with factor 0.25: at
# most 0.25 + 0.5 + 1 + 2 + 4 s), short enough for a test.
OUTAGE_SECONDS = 9
UNAVAILABLE = "Sorry, the API service is temporarily unavailable"  # intercom-android#485


@dataclass(frozen=True)
class Outage:
    """Once `after` requests under `path_prefix` were answered, every request (any path) fails
    for `seconds`, cycling through `statuses`."""

    after: int
    seconds: float
    path_prefix: str = "/"
    statuses: tuple[int, ...] = (503, 502, 504)
    retry_after: int | None = None


def failure(status: int, retry_after: int | None) -> Reply:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    if status == 503:
        reply = error(503, "service_unavailable", UNAVAILABLE)
        return Reply(reply.status, reply.body, headers=headers)
    page = _NGINX_PAGE.format(status=status, reason=_REASONS[status])
    return Reply(status, {}, html=page, headers=headers)


class Incidents:
    """The outages planned for one fake; `now` is the fake's clock."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._planned: list[tuple[Outage, list[float | None], list[int]]] = []
        self._lock = threading.Lock()
        self.failed = 0  # requests failed by an outage

    def plan(self, outage: Outage) -> None:
        with self._lock:
            self._planned.append((outage, [None], [0]))

    def end_all(self) -> None:
        """Every outage, on or still to come, is over now."""
        with self._lock:
            self._planned.clear()

    def failure_for(self, path: str) -> Reply | None:
        """How this request fails, or None when no outage is on."""
        with self._lock:
            now = self._now()
            for outage, started, counted in self._planned:
                if started[0] is None and path.startswith(outage.path_prefix):
                    counted[0] += 1
                    if counted[0] > outage.after:
                        started[0] = now
                begun = started[0]
                if begun is not None and now < begun + outage.seconds:
                    status = outage.statuses[self.failed % len(outage.statuses)]
                    self.failed += 1
                    return failure(status, outage.retry_after)
        return None
