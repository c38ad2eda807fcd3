"""The knobs of a fake workspace and of its misbehaviour."""

from __future__ import annotations

from dataclasses import dataclass, field

FAULT_KINDS: tuple[str, ...] = ("500", "502", "503", "504", "slow", "reset", "truncated")
# Faults only on request (never among the default kinds): "400" answers a request with an error
# a client must not retry, with a body whose message the client may print; "empty_object" is a
# 200 whose body is `{}`. Not something Intercom is documented to send; it is what a misbehaving
# proxy, cache or gateway in front of any API can answer, and a client that reads a missing list
# as an empty one turns it into "the workspace has no admins".
OPT_IN_FAULT_KINDS: tuple[str, ...] = ("400", "empty_object")


@dataclass(frozen=True)
class WorkspaceSpec:
    """How big the generated workspace is; the same spec always yields the same data."""

    seed: int = 1
    conversations: int = 30
    contacts: int = 40
    companies: int = 10
    tickets: int = 8
    admins: int = 4
    teams: int = 2
    tags: int = 8
    segments: int = 3
    huge_conversations: int = 0
    # This many contacts are linked to every tag and company; with more than 10 of either, their
    # search results embed only the first 10 (spec L25488), the rest is behind the list's url.
    fully_linked_contacts: int = 0
    # This many contacts carry timestamps in other units or out of range (people.py,
    # odd_timestamps): what the tap must survive without losing the contact.
    odd_timestamps: int = 0
    # Conversations deleted before the anchor: only `GET /conversations/deleted` knows them.
    deleted_conversations: int = 0
    timezone: str = "UTC"


@dataclass(frozen=True)
class FaultSpec:
    """Which faults to inject, how often, and from which seed (same seed, same faults)."""

    rate: float = 0.0
    seed: int = 1
    kinds: tuple[str, ...] = FAULT_KINDS
    slow_seconds: float = 2.0
    path_prefix: str = "/"

    def __post_init__(self) -> None:
        known = FAULT_KINDS + OPT_IN_FAULT_KINDS
        unknown = sorted(set(self.kinds) - set(known))
        if unknown:
            msg = f"unknown fault kinds {unknown}; choose from {list(known)}"
            raise ValueError(msg)
        if not 0.0 <= self.rate <= 1.0:
            msg = f"fault rate must be within 0..1, got {self.rate}"
            raise ValueError(msg)


@dataclass(frozen=True)
class OutageSpec:
    """An incident: every request fails for `seconds` once `after_requests` requests were served.

    Real incidents fail every request with 502/503/504 for tens of seconds to minutes: the whole
    API answers 503 service_unavailable "Sorry, the API service is temporarily unavailable"
    (intercom/intercom-android#485, pointing at status.intercom.com), during planned maintenance
    too (intercom/python-intercom#20); the Ruby SDK has a class for 502s (intercom/intercom-ruby
    pull request #53). Intercom documents no Retry-After header (rate-limiting docs); a proxy in
    front of a service may send one with a 503 (RFC 9110 section 10.2.3), so it is optional here.
    """

    after_requests: int
    seconds: float
    statuses: tuple[int, ...] = (503, 502, 504)
    retry_after_seconds: int | None = None
    # Count only requests under this path towards `after_requests` (the outage then fails all).
    path_prefix: str = "/"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.statuses) - {500, 502, 503, 504})
        if unknown or not self.statuses:
            msg = f"outage statuses must be among 500, 502, 503, 504; got {list(self.statuses)}"
            raise ValueError(msg)
        if self.after_requests < 0 or self.seconds <= 0:
            msg = "an outage needs after_requests >= 0 and seconds > 0"
            raise ValueError(msg)


@dataclass(frozen=True)
class ServerOptions:
    """Behaviour of the HTTP front of the fake (everything but the data)."""

    token: str = "test-token"
    rate_limit_per_10s: int | None = None
    latency_ms: int = 0
    faults: FaultSpec = field(default_factory=FaultSpec)
    scroll_expiry_seconds: float = 60.0
    scroll_page_size: int = 50
    outages: tuple[OutageSpec, ...] = ()
    # These requests to /companies/scroll (1 = the fake's first, counted over every scroll) answer
    # the documented 500 "Please restart the scroll operation" (spec 2.16 L6862-6865).
    failed_scroll_requests: tuple[int, ...] = ()
    # Resources (first path segment, e.g. "tickets") the token may not read: permissions.py.
    denied_resources: tuple[str, ...] = ()
    # Quote the request's Authorization header in every error message. Not Intercom's documented
    # behaviour: it stands for the servers and proxies that do echo credentials in error bodies
    # (livekit/livekit#4734, IQSS/dataverse#4954, Unstructured-IO/unstructured-api#578), so that
    # a client can be tested never to print what it is sent back.
    echo_authorization: bool = False
