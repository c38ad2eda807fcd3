"""The endpoints the tap reads, answering with the real service's shapes (see real_intercom.py)."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from acceptance import search_rules
from acceptance.replies import Reply, error
from acceptance.workspace import RETURNED_PARTS_LIMIT, WORKSPACE_UTC_OFFSET

if TYPE_CHECKING:
    from acceptance.real_intercom import RealIntercom

DELETED_PER_PAGE_DEFAULT, DELETED_PER_PAGE_MAX = 20, 60  # spec 2.16 L13530-13542
NOTES_PER_PAGE_DEFAULT = 50  # spec 2.16 L7280


def dispatch(fake: RealIntercom, method: str, path: str, query: dict[str, str], body: Any) -> Reply:
    try:
        for pattern, wanted_method, handler in _ROUTES:
            found = re.fullmatch(pattern, path)
            if found and method == wanted_method:
                return handler(fake, query, body or {}, *found.groups())
    except search_rules.SearchError as refused:
        return error(400, "parameter_invalid", str(refused))
    return error(404, "not_found", "Resource Not Found")


def _ok(body: dict[str, Any]) -> Reply:
    return Reply(200, _public(body))


def _public(value: Any) -> Any:
    """Without our bookkeeping keys (those starting with `_`)."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_public(item) for item in value]
    return value


def _me(fake: RealIntercom, query: dict[str, str], body: Any) -> Reply:
    admin = fake.workspace.admins[0]
    app = {"type": "app", "id_code": "ws1", "name": "Acceptance", "region": "US"}
    return _ok({**admin, "email_verified": True, "app": app})


def _listing(list_type: str, key: str, attribute: str) -> Any:
    def handler(fake: RealIntercom, query: dict[str, str], body: Any) -> Reply:
        return _ok({"type": list_type, key: getattr(fake.workspace, attribute)})

    return handler


def _data_attributes(fake: RealIntercom, query: dict[str, str], body: Any) -> Reply:
    model = query.get("model")
    every = fake.workspace.data_attributes
    items = every.get(model, []) if model else [a for group in every.values() for a in group]
    return _ok({"type": "list", "data": items})


def _search(kind: str, key: str, list_type: str, *, by_day: bool) -> Any:
    def handler(fake: RealIntercom, query: dict[str, str], body: dict[str, Any]) -> Reply:
        objects = _searchable_objects(fake, kind)
        matches = search_rules.matcher(
            body.get("query") or {}, by_day=by_day, utc_offset=WORKSPACE_UTC_OFFSET
        )
        found = [item for item in objects if matches(item)]
        field, descending = search_rules.sort_key(body.get("sort"))
        found.sort(key=lambda item: (item.get(field) or 0, item["id"]), reverse=descending)
        page, pages = search_rules.page_of(found, body.get("pagination"))
        if kind == "conversation":  # search results carry no parts
            page = [{k: v for k, v in item.items() if k != "conversation_parts"} for item in page]
        return _ok({"type": list_type, key: page, "total_count": len(found), "pages": pages})

    return handler


def _searchable_objects(fake: RealIntercom, kind: str) -> list[dict[str, Any]]:
    collection = {
        "conversation": fake.workspace.conversations,
        "contact": fake.workspace.contacts,
        "ticket": fake.workspace.tickets,
    }[kind]
    return [item for oid, item in collection.items() if fake.searchable(kind, oid)]


def _conversation(fake: RealIntercom, query: dict[str, str], body: Any, cid: str) -> Reply:
    found = fake.workspace.conversations.get(cid)
    if found is None:
        return error(404, "conversation_not_found", "Conversation not found")
    detail = copy.deepcopy(found)
    parts = detail["_all_parts"]
    returned = parts[-RETURNED_PARTS_LIMIT:]  # "the 500 most recent" (spec 2.16 L10994-10996)
    # total_count: what was returned (it "does not include the source"); the statistics count
    # is the only place that tells how many Intercom holds.
    detail["conversation_parts"] = {
        "type": "conversation_part.list",
        "conversation_parts": returned,
        "total_count": len(returned),
    }
    return _ok(detail)


def _deleted(fake: RealIntercom, query: dict[str, str], body: Any) -> Reply:
    per_page = min(int(query.get("per_page") or DELETED_PER_PAGE_DEFAULT), DELETED_PER_PAGE_MAX)
    page = int(query.get("page") or 1)
    ordered = sorted(fake.workspace.deleted, key=lambda d: d["deleted_at"], reverse=True)
    if query.get("order") == "asc":
        ordered.reverse()
    total_pages = max(-(-len(ordered) // per_page), 1)
    items = ordered[(page - 1) * per_page : page * per_page]
    pages: dict[str, Any] = {
        "type": "pages",
        "page": page,
        "per_page": per_page,
        "total_pages": total_pages,
    }
    if page < total_pages:
        order = query.get("order") or "desc"
        pages["next"] = (
            f"https://api.intercom.io/conversations/deleted?per_page={per_page}"
            f"&order={order}&page={page + 1}"
        )
    return _ok(
        {
            "type": "conversations.list",
            "total_count": len(ordered),
            "pages": pages,
            "conversations": items,
        }
    )


def _notes(fake: RealIntercom, query: dict[str, str], body: Any, contact_id: str) -> Reply:
    notes = fake.workspace.notes.get(contact_id, [])
    per_page = int(query.get("per_page") or NOTES_PER_PAGE_DEFAULT)
    page = int(query.get("page") or 1)
    items = notes[(page - 1) * per_page : page * per_page]
    total_pages = max(-(-len(notes) // per_page), 1)
    pages = {"type": "pages", "next": None, "page": page, "per_page": per_page}
    pages["total_pages"] = total_pages
    return _ok({"type": "list", "data": items, "total_count": len(notes), "pages": pages})


def _contact_list(fake: RealIntercom, query: dict[str, str], body: Any) -> Reply:
    """`GET /contacts`: cursor pages of at most 150 (spec 2.16 L8925, Intercom-OpenAPI PR #639),
    `pages.next.starting_after` while more follow (schema `cursor_pages`). Unlike search, the list
    has no index delay to model here."""
    per_page = min(int(query.get("per_page") or 50), 150)
    ids = sorted(fake.workspace.contacts)
    start = ids.index(query["starting_after"]) + 1 if query.get("starting_after") else 0
    chosen = ids[start : start + per_page]
    pages: dict[str, Any] = {"type": "pages", "page": start // per_page + 1, "per_page": per_page}
    pages["total_pages"] = max(-(-len(ids) // per_page), 1)
    if start + per_page < len(ids):
        pages["next"] = {"per_page": per_page, "starting_after": chosen[-1]}
    data = [_public(fake.workspace.contacts[oid]) for oid in chosen]
    return _ok({"type": "list", "data": data, "total_count": len(ids), "pages": pages})


def _contact_tags(fake: RealIntercom, query: dict[str, str], body: Any, contact_id: str) -> Reply:
    return _ok({"type": "list", "data": []})


def _contact_companies(
    fake: RealIntercom, query: dict[str, str], body: Any, contact_id: str
) -> Reply:
    pages = {"type": "pages", "next": None, "page": 1, "per_page": 50, "total_pages": 1}
    return _ok({"type": "list", "data": [], "total_count": 0, "pages": pages})


def _companies_scroll(fake: RealIntercom, query: dict[str, str], body: Any) -> Reply:
    return fake.scroll.answer(query.get("scroll_param"), fake.workspace.companies)


_ROUTES: list[tuple[str, str, Any]] = [
    (r"/me", "GET", _me),
    (r"/admins", "GET", _listing("admin.list", "admins", "admins")),
    (r"/teams", "GET", _listing("team.list", "teams", "teams")),
    (r"/tags", "GET", _listing("list", "data", "tags")),
    (r"/segments", "GET", _listing("segment.list", "segments", "segments")),
    (r"/data_attributes", "GET", _data_attributes),
    (r"/conversations/search", "POST", _search(
        "conversation", "conversations", "conversation.list", by_day=False)),
    (r"/conversations/deleted", "GET", _deleted),
    (r"/conversations/([^/]+)", "GET", _conversation),
    (r"/contacts", "GET", _contact_list),
    (r"/contacts/search", "POST", _search("contact", "data", "list", by_day=True)),
    (r"/contacts/([^/]+)/notes", "GET", _notes),
    (r"/contacts/([^/]+)/tags", "GET", _contact_tags),
    (r"/contacts/([^/]+)/companies", "GET", _contact_companies),
    (r"/companies/scroll", "GET", _companies_scroll),
    (r"/tickets/search", "POST", _search("ticket", "tickets", "ticket.list", by_day=False)),
]  # fmt: skip
