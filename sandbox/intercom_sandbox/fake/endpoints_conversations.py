"""Conversations: list, search, retrieve, and (2.16) the deleted-ids list."""

from __future__ import annotations

from typing import Any

from .errors import ApiError, bad_request, not_found
from .pagination import (
    cursor_page,
    page_from,
    page_number_links,
    page_number_slice,
    per_page_from,
)
from .plaintext import to_plaintext
from .records import ConversationRecord
from .render import render_conversation
from .request import ApiContext, ApiRequest
from .search import SearchContext, compile_query, parse_sort
from .versions import adapt, before_2_16

DELETED_MAX_PER_PAGE = 60  # spec L13521ff: per_page maximum 60


def list_conversations(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    search = SearchContext(ctx.ws, "conversation", req.version)
    per_page = per_page_from(req.query.get("per_page"), default=20)
    page = cursor_page(
        list(ctx.ws.conversations.values()),
        parse_sort(None, search),
        _record_id,
        per_page,
        req.query.get("starting_after"),
    )
    return _conversation_list(ctx, req, page.items, page.total_count, page.pages())


def search_conversations(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    # Only the body's `pagination` counts: a starting_after in the query string is ignored and
    # page 1 comes back (pagination docs; an Intercom community thread:
    # docs/intercom-api.md#pagination).
    body = req.body if isinstance(req.body, dict) else {}
    search = SearchContext(ctx.ws, "conversation", req.version)
    matches_query = compile_query(body.get("query"), search)
    pagination = body.get("pagination") or {}
    matches = [
        r
        for r in ctx.ws.conversations.values()
        if ctx.index.shows("conversation", r.id, r.updated_at) and matches_query(r)
    ]
    page = cursor_page(
        matches,
        parse_sort(body.get("sort"), search),
        _record_id,
        per_page_from(pagination.get("per_page"), default=20),
        pagination.get("starting_after"),
    )
    return _conversation_list(ctx, req, page.items, page.total_count, page.pages())


def _record_id(record: ConversationRecord) -> str:
    return record.id


def _conversation_list(
    ctx: ApiContext,
    req: ApiRequest,
    records: list[ConversationRecord],
    total: int,
    pages: dict[str, Any],
) -> dict[str, Any]:
    items = [adapt("conversation", render_conversation(ctx.ws, r), req.version) for r in records]
    return {
        "type": "conversation.list",
        "pages": pages,
        "total_count": total,
        "conversations": items,
    }


def get_conversation(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    record = ctx.ws.conversations.get(req.path_params[0])
    if record is None:
        raise not_found()
    conversation = adapt(
        "conversation", render_conversation(ctx.ws, record, parts="latest"), req.version
    )
    if req.query.get("display_as") == "plaintext":
        _to_plaintext(conversation)
    return conversation


def _to_plaintext(conversation: dict[str, Any]) -> None:
    source = conversation["source"] = dict(conversation["source"])
    source["body"] = to_plaintext(source["body"] or "")
    source["subject"] = to_plaintext(source["subject"] or "")
    for part in conversation["conversation_parts"]["conversation_parts"]:
        if part["body"] is not None:
            part["body"] = to_plaintext(part["body"])


def deleted_conversations(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    if before_2_16(req.version):
        # The listDeletedConversationIds 400 example (spec L13600-13614).
        raise ApiError(
            400,
            "intercom_version_invalid",
            "Requested resource is not available in current API version.",
        )
    order = req.query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise bad_request("order must be asc or desc")
    per_page = per_page_from(req.query.get("per_page"), 20, maximum=DELETED_MAX_PER_PAGE)
    page = page_from(req.query.get("page"))
    # Ordered by deletion time, newest first by default: the `order=desc` example lists deleted_at
    # 1734537460 before 1734537400 while the ids rise (512, 513; spec 2.16 L13544-13580).
    deleted = sorted(
        ctx.ws.deleted_conversations.items(),
        key=lambda item: (item[1].deleted_at, int(item[0])),
        reverse=order == "desc",
    )
    shown = page_number_slice(deleted, page, per_page)
    next_base = f"{req.base_url}/conversations/deleted"
    return {
        "type": "conversations.list",
        "total_count": len(deleted),
        "pages": page_number_links(next_base, page, per_page, len(deleted), {"order": order}),
        "conversations": [
            {
                "type": "conversation",
                "id": cid,
                "metrics_retained": d.metrics_retained,
                "deleted_at": d.deleted_at,
            }
            for cid, d in shown
        ],
    }
