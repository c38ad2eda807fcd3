"""Contacts (list, search, retrieve), companies (scroll, retrieve)."""

from __future__ import annotations

from typing import Any

from .errors import ApiError
from .notes import NOTES_PER_PAGE, note_pages, render_note
from .pagination import (
    cursor_page,
    page_from,
    page_number_links,
    page_number_slice,
    per_page_from,
)
from .removals import merge_history
from .request import ApiContext, ApiRequest
from .search import SearchContext, compile_query, parse_sort
from .versions import adapt

CONTACT_SEARCH_PER_PAGE = 50  # spec L8725
# "The GET /contacts pagination note says the default is 50 results per page, but the endpoint
# returns 10" (Intercom-OpenAPI PR #639).
CONTACT_LIST_PER_PAGE = 10
CONTACT_COMPANIES_PER_PAGE = 50  # the listCompaniesForAContact example's `per_page` (L7090)


def _contact_id(contact: dict[str, Any]) -> str:
    return str(contact["id"])


def list_contacts(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    search = SearchContext(ctx.ws, "contact", req.version)
    page = cursor_page(
        list(ctx.ws.contacts.values()),
        parse_sort(None, search),
        _contact_id,
        per_page_from(req.query.get("per_page"), default=CONTACT_LIST_PER_PAGE),
        req.query.get("starting_after"),
    )
    items = page.items
    if req.version == "2.16" and str(req.query.get("include_merge_history")).lower() == "true":
        # Only on `user` contacts (spec 2.16 L8909-8912).
        items = [
            {**c, "merge_history": merge_history(ctx.ws, c["id"])} if c["role"] == "user" else c
            for c in items
        ]
    return _contact_list(req, items, page.total_count, page.pages())


def search_contacts(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    body = req.body if isinstance(req.body, dict) else {}
    search = SearchContext(ctx.ws, "contact", req.version)
    matches_query = compile_query(body.get("query"), search)
    sort = parse_sort(body.get("sort"), search)
    pagination = body.get("pagination") or {}
    page = cursor_page(
        [
            c
            for c in ctx.ws.contacts.values()
            if ctx.index.shows("contact", str(c["id"]), c["updated_at"]) and matches_query(c)
        ],
        sort,
        _contact_id,
        per_page_from(pagination.get("per_page"), default=CONTACT_SEARCH_PER_PAGE),
        pagination.get("starting_after"),
    )
    return _contact_list(req, page.items, page.total_count, page.pages())


def _contact_list(
    req: ApiRequest, contacts: list[dict[str, Any]], total: int, pages: dict[str, Any]
) -> dict[str, Any]:
    data = [adapt("contact", c, req.version) for c in contacts]
    return {"type": "list", "data": data, "total_count": total, "pages": pages}


def get_contact(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    """`GET /contacts/{id}` (ShowContact, spec 2.16 L8024): the contact as search returns it.

    A lead merged into a user answers 410 Gone with code `contact_merged` (2.16's admonition,
    L8322-8340, and its 410 example, L8465-8476; the `Link` header to the canonical contact is
    not modelled). A deleted contact answers 404 "User Not Found" (the code the contact
    sub-resources document, L7829); an archived one too: what Intercom answers is not
    documented, and the fake takes archived contacts out of every list (removals.py).
    """
    contact_id = req.path_params[0]
    contact = ctx.ws.contacts.get(contact_id)
    if contact is not None:
        return adapt("contact", contact, req.version)
    if contact_id in ctx.ws.merged_contacts and req.version == "2.16":
        message = "This contact has been merged. See the 'Link' header for the canonical contact."
        raise ApiError(410, "contact_merged", message)
    raise ApiError(404, "not_found", "User Not Found")


def get_company(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    """`GET /companies/{id}` (RetrieveACompanyById, spec 2.16 L6203-6220: the path parameter
    is Intercom's `id`, despite its name `company_id`); a deleted company answers 404
    `company_not_found` (L6251-6261)."""
    company = ctx.ws.companies.get(req.path_params[0])
    if company is None:
        raise ApiError(404, "company_not_found", "Company Not Found")
    return adapt("company", company, req.version)


def _links_of(ctx: ApiContext, req: ApiRequest) -> Any:
    links = ctx.ws.contact_links.get(req.path_params[0])
    if links is None:  # the listTagsForAContact 404 example (spec L7829)
        raise ApiError(404, "not_found", "User Not Found")
    return links


def contact_tags(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    """`GET /contacts/{id}/tags`: every tag, unpaginated (`tag_list`, spec L7778)."""
    links = _links_of(ctx, req)
    tags = [ctx.ws.tags[t] for t in links.tag_ids if t in ctx.ws.tags]
    data = [{"type": "tag", "id": t["id"], "name": t["name"]} for t in tags]
    return {"type": "list", "data": data}


def contact_companies(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    """`GET /contacts/{id}/companies`, by page number. The schema names the list `companies`,
    the example response `data` (spec L7060-7093); the fake answers as the example does."""
    links = _links_of(ctx, req)
    per_page = per_page_from(req.query.get("per_page"), default=CONTACT_COMPANIES_PER_PAGE)
    page = page_from(req.query.get("page"))
    ids = [c for c in links.company_ids if c in ctx.ws.companies]
    shown = page_number_slice(ids, page, per_page)
    next_base = f"{req.base_url}/contacts/{req.path_params[0]}/companies"
    return {
        "type": "list",
        "data": [adapt("company", ctx.ws.companies[c], req.version) for c in shown],
        "pages": page_number_links(next_base, page, per_page, len(ids)),
        "total_count": len(ids),
    }


def contact_notes(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    """`GET /contacts/{id}/notes`, newest first, by page number (notes.py says why)."""
    _links_of(ctx, req)
    notes = ctx.ws.notes.get(req.path_params[0], [])
    per_page = per_page_from(req.query.get("per_page"), default=NOTES_PER_PAGE)
    page = page_from(req.query.get("page"))
    shown = page_number_slice(notes, page, per_page)
    return {
        "type": "list",
        "data": [render_note(note, ctx.ws.admins[note.admin_id]) for note in shown],
        "total_count": len(notes),
        "pages": note_pages(page, per_page, len(notes)),
    }


def scroll_companies(ctx: ApiContext, req: ApiRequest) -> dict[str, Any]:
    param, ids = ctx.scrolls.next_page(req.query.get("scroll_param"), list(ctx.ws.companies))
    data = [
        adapt("company", ctx.ws.companies[i], req.version) for i in ids if i in ctx.ws.companies
    ]
    return {"type": "list", "data": data, "pages": None, "total_count": None, "scroll_param": param}
