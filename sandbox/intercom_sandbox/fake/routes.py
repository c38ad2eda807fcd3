"""The route table: method and path pattern to endpoint."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import endpoints_conversations as conversations
from . import endpoints_directory as directory
from . import endpoints_people as people
from . import endpoints_tickets as tickets
from .errors import ApiError, not_found
from .request import ApiContext, ApiRequest

Endpoint = Callable[[ApiContext, ApiRequest], dict[str, Any]]

ROUTES: tuple[tuple[str, str, Endpoint], ...] = (
    ("GET", r"/me", directory.me),
    ("GET", r"/admins", directory.admins),
    ("GET", r"/tags", directory.tags),
    ("GET", r"/teams", directory.teams),
    ("GET", r"/segments", directory.segments),
    ("GET", r"/data_attributes", directory.data_attributes),
    ("GET", r"/contacts", people.list_contacts),
    ("POST", r"/contacts/search", people.search_contacts),
    ("GET", r"/contacts/([^/]+)/tags", people.contact_tags),
    ("GET", r"/contacts/([^/]+)/companies", people.contact_companies),
    ("GET", r"/contacts/([^/]+)/notes", people.contact_notes),
    ("GET", r"/contacts/([^/]+)", people.get_contact),
    ("GET", r"/companies/scroll", people.scroll_companies),
    ("GET", r"/companies/([^/]+)", people.get_company),
    ("GET", r"/conversations", conversations.list_conversations),
    ("POST", r"/conversations/search", conversations.search_conversations),
    ("GET", r"/conversations/deleted", conversations.deleted_conversations),
    ("GET", r"/conversations/(\d+)", conversations.get_conversation),
    ("POST", r"/tickets/search", tickets.search_tickets),
    ("GET", r"/tickets/(\d+)", tickets.get_ticket),
)
_COMPILED = tuple((method, re.compile(pattern), endpoint) for method, pattern, endpoint in ROUTES)


def find_route(method: str, path: str) -> tuple[Endpoint, tuple[str, ...]]:
    path_matched = False
    for route_method, pattern, endpoint in _COMPILED:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        if route_method == method:
            return endpoint, match.groups()
        path_matched = True
    if path_matched:
        # Intercom answers an unsupported method with 404 (errors/http-responses docs).
        raise not_found("The requested resource does not exist; check your path and try again")
    raise ApiError(404, "not_found", "The requested resource does not exist; check your path")
