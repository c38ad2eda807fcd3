"""Tickets: search and retrieve."""

from __future__ import annotations

from typing import Any

from .errors import not_found
from .pagination import cursor_page, per_page_from
from .request import ApiContext, ApiRequest
from .search import SearchContext, compile_query, parse_sort
from .versions import adapt


def _ticket_id(ticket: dict[str, Any]) -> str:
    return str(ticket["id"])


def search_tickets(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    body = req.body if isinstance(req.body, dict) else {}
    search = SearchContext(ctx.ws, "ticket", req.version)
    matches_query = compile_query(body.get("query"), search)
    pagination = body.get("pagination") or {}
    page = cursor_page(
        [
            t
            for t in ctx.ws.tickets.values()
            if ctx.index.shows("ticket", str(t["id"]), t["updated_at"]) and matches_query(t)
        ],
        parse_sort(body.get("sort"), search),
        _ticket_id,
        per_page_from(pagination.get("per_page"), default=20),
        pagination.get("starting_after"),
    )
    return {
        "type": "ticket.list",
        "tickets": [adapt("ticket", t, req.version) for t in page.items],
        "total_count": page.total_count,
        "pages": page.pages(),
    }


def get_ticket(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    ticket = ctx.ws.tickets.get(req.path_params[0])
    if ticket is None:
        raise not_found()
    return adapt("ticket", ticket, req.version)
