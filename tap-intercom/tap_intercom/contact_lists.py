"""A contact's complete tags and companies.

A contact embeds "Up to 10 ... Use the url to get more" of its tags, notes and companies (spec
L25488/L25593/L25887; "Nested subresources within a contact are capped at 10 elements", fact sheet
§11.6). When a list says `has_more`, the rest is fetched from `GET /contacts/{id}/tags`
(unpaginated, spec L7778) or `GET /contacts/{id}/companies` (page numbers, spec L7036), and the
record carries the whole list in the embedded shape, with `has_more` false.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from tap_intercom.client import IntercomClient
from tap_intercom.errors import IntercomNotFoundError

logger = logging.getLogger(__name__)

COMPANIES_PER_PAGE = 50  # the listCompaniesForAContact example's page size (spec L7090)


def incomplete(contact: dict[str, Any]) -> bool:
    """True when Intercom embedded only some of the contact's tags or companies."""
    return any(_has_more(contact.get(key)) for key in ("tags", "companies"))


def _has_more(embedded: Any) -> bool:
    return isinstance(embedded, dict) and bool(embedded.get("has_more"))


def complete(client: IntercomClient, contact: dict[str, Any]) -> dict[str, Any]:
    """The contact, with every tag and company embedded when Intercom embedded only some."""
    fetchers = {"tags": _all_tags, "companies": _all_companies}
    for key, fetch in fetchers.items():
        embedded = contact.get(key)
        if not isinstance(embedded, dict) or not _has_more(embedded):
            continue
        try:
            items = list(fetch(client, str(contact["id"])))
        except IntercomNotFoundError:
            # Deleted since the search page was read: keep what was embedded, still has_more.
            logger.warning("contact %s is gone; its %s stay as embedded", contact["id"], key)
            continue
        contact = {**contact, key: _embedded_list(embedded, items)}
    return contact


def _embedded_list(embedded: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    return {**embedded, "data": items, "total_count": len(items), "has_more": False}


def _all_tags(client: IntercomClient, contact_id: str) -> Iterator[dict[str, Any]]:
    response = client.get(f"/contacts/{contact_id}/tags")
    for tag in response.get("data") or []:
        yield _reference("tag", "/tags", tag)


def _all_companies(client: IntercomClient, contact_id: str) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    page = 1
    while True:
        response = client.get(
            f"/contacts/{contact_id}/companies", {"page": page, "per_page": COMPANIES_PER_PAGE}
        )
        # The schema calls the list `companies`, the example response `data` (spec L7060-7093).
        companies = response.get("data") or response.get("companies") or []
        new = [c for c in companies if str(c["id"]) not in seen]
        for company in new:
            seen.add(str(company["id"]))
            yield _reference("company", "/companies", company)
        if not new or _last_page(response.get("pages"), page, len(companies)):
            return
        page += 1


def _last_page(pages: Any, page: int, returned: int) -> bool:
    """`pages` is optional in the schema (`pages_link`): without it, a short page is the last."""
    if isinstance(pages, dict) and pages.get("total_pages") is not None:
        return page >= int(pages["total_pages"])
    return returned < COMPANIES_PER_PAGE


def _reference(kind: str, collection: str, item: dict[str, Any]) -> dict[str, Any]:
    """A tag or company as a contact embeds it: `{type, id, url}` (spec L22765)."""
    item_id = str(item["id"])
    return {"type": kind, "id": item_id, "url": f"{collection}/{item_id}"}
