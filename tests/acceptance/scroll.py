"""`GET /companies/scroll` as the real service runs it (spec 2.16 L6834-6865), with its evidence:

- "Each app can only have 1 scroll open at a time" (L6854). Asking for a new scroll while one is
  open answers HTTP 400, error code `scroll_exists` (Hull's Intercom connector checks
  `errors[0].code === "scroll_exists"`: mfrankiewicz/hull-intercom server/lib/intercom-agent.js),
  message "scroll already exists for this workspace" (Estuary's source-intercom matches that text:
  `COMPANIES_SCROLL_IN_USE_BY_OTHER_APPLICATION_REGEX`; intercom/intercom-ruby#292 reports the
  same error and that waiting does end it).
- "If the scroll isn't used for 1 minute, it expires and calls with that scroll param will fail"
  (L6855): 404 `not_found` (the same Hull connector reads `not_found` on a scroll_param as "Scroll
  expired, should start it again"; airbytehq/airbyte's source-intercom manifest filters 404 on
  the scroll). An expired scroll no longer blocks a new one.
- "If the end of the scroll is reached, "companies" will be empty and the scroll parameter will
  expire" (L6856; the list's key is `data`, schema `company_scroll`).
- A network error mid-scroll is HTTP 500 "Request failed due to an internal network error.
  Please restart the scroll operation." and "It is not possible to continue from a specific
  point" (L6862-6865): that scroll is gone, a new one may start.

The page size is not documented (the endpoint takes no `per_page`); 50 here is our choice. Time is
the fake's clock, so that a test can let a minute pass without waiting for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from acceptance.replies import Reply, error

IDLE_EXPIRY_SECONDS = 60.0  # spec 2.16 L6855
PAGE_SIZE = 50
RESTART_MESSAGE = (
    "Request failed due to an internal network error. Please restart the scroll operation."
)


@dataclass
class OpenScroll:
    param: str
    pages_served: int
    last_used: float
    ours: bool = True  # False: another client of the same workspace holds it


@dataclass
class ScrollRules:
    """The workspace's one scroll, and the knobs tests turn."""

    now: Callable[[], float]
    advance: Callable[[float], None]  # moves the fake's clock on
    page_size: int = PAGE_SIZE
    open: OpenScroll | None = None
    # Page numbers (2 = the first continuation) that fail with the 500 "restart", once each...
    fail_pages_once: set[int] = field(default_factory=set)
    # ...or every time.
    fail_pages_always: set[int] = field(default_factory=set)
    # Page numbers asked for only after the scroll idled for over a minute (a client that
    # stopped reading between two pages), once each.
    idle_before_pages: set[int] = field(default_factory=set)
    # Called on each request refused because another scroll is open.
    on_refused: list[Callable[[], None]] = field(default_factory=list)
    # What the tests read back.
    started: int = 0
    refused: int = 0
    expired: int = 0
    restarted: int = 0  # 500s answered

    def hold_for_another_client(self) -> None:
        """Another app of the workspace opens a scroll and keeps it until it expires."""
        self.open = OpenScroll(f"other-{uuid.uuid4()}", 1, self.now(), ours=False)

    def answer(self, param: str | None, companies: list[dict[str, Any]]) -> Reply:
        self._drop_if_expired()
        if param is None:
            return self._start(companies)
        return self._continue(param, companies)

    def _drop_if_expired(self) -> None:
        if self.open and self.now() - self.open.last_used > IDLE_EXPIRY_SECONDS:
            self.open = None

    def _start(self, companies: list[dict[str, Any]]) -> Reply:
        if self.open is not None:
            self.refused += 1
            for callback in self.on_refused:
                callback()
            return error(400, "scroll_exists", "scroll already exists for this workspace")
        self.started += 1
        self.open = OpenScroll(str(uuid.uuid4()), 0, self.now())
        return self._page(self.open, companies)

    def _continue(self, param: str, companies: list[dict[str, Any]]) -> Reply:
        scroll = self.open
        if scroll is None or scroll.param != param:
            return self._expired()
        number = scroll.pages_served + 1
        if number in self.idle_before_pages:
            self.idle_before_pages.discard(number)
            self.advance(IDLE_EXPIRY_SECONDS + 1)
            self._drop_if_expired()
            return self._expired()
        if number in self.fail_pages_always or number in self.fail_pages_once:
            self.fail_pages_once.discard(number)
            self.open, self.restarted = None, self.restarted + 1
            return error(500, "server_error", RESTART_MESSAGE)
        return self._page(scroll, companies)

    def _expired(self) -> Reply:
        self.expired += 1
        return error(404, "not_found", "Resource Not Found")

    def _page(self, scroll: OpenScroll, companies: list[dict[str, Any]]) -> Reply:
        first = scroll.pages_served * self.page_size
        data = companies[first : first + self.page_size]
        scroll.pages_served += 1
        scroll.last_used = self.now()
        if not data:  # the end: the scroll_param expires (L6856)
            self.open = None
        body = {"type": "list", "data": data, "pages": None, "total_count": None}
        return Reply(200, {**body, "scroll_param": scroll.param})
