"""A contact's complete tags, companies and notes.

A contact embeds "Up to 10 ... Use the url to get more" of its tags, notes and companies (spec
L25488/L25593/L25887; "Nested subresources within a contact are capped at 10 elements",
estuary/connectors source-intercom-native). When a list says `has_more`, the rest is fetched from
`GET /contacts/{id}/tags` (unpaginated, spec L7778), `GET /contacts/{id}/companies` (page numbers,
spec L7036) or `GET /contacts/{id}/notes` (page numbers: spec L7214 declares no parameter, but
Intercom's SDK pages it with `page` and `per_page` until a page comes back empty, see
intercom/intercom-node `src/api/resources/notes/client/Client.ts`), and the record carries the
whole list in the embedded shape, with `has_more` false.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from tap_intercom.client import IntercomClient
from tap_intercom.errors import IntercomNotFoundError

logger = logging.getLogger(__name__)

COMPANIES_PER_PAGE = 50  # the listCompaniesForAContact example's page size (spec L7090)
NOTES_PER_PAGE = 50  # the listNotes example's page size (spec L7280); the SDK's default is 15


def incomplete(contact: dict[str, Any]) -> bool:
    """True when Intercom embedded only some of the contact's tags or companies."""
    return any(_has_more(contact.get(key)) for key in ("tags", "companies"))


def _has_more(embedded: Any) -> bool:
    return isinstance(embedded, dict) and bool(embedded.get("has_more"))


def complete(client: IntercomClient, contact: dict[str, Any]) -> dict[str, Any]:
    """The contact, with every tag and company embedded when Intercom embedded only some."""
    fetchers = {"tags": _all_tags, "companies": _all_companies, "notes": _all_notes}
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
    response = client.get(f"/contacts/{contact_id}/tags", list_keys=("data",))
    for tag in response.get("data") or []:
        yield _reference("tag", "/tags", tag)


def _all_companies(client: IntercomClient, contact_id: str) -> Iterator[dict[str, Any]]:
    # The schema calls the list `companies`, the example response `data` (spec L7060-7093).
    path = f"/contacts/{contact_id}/companies"
    for company in _paged(client, path, COMPANIES_PER_PAGE, ("data", "companies")):
        yield _reference("company", "/companies", company)


def _all_notes(client: IntercomClient, contact_id: str) -> Iterator[dict[str, Any]]:
    path = f"/contacts/{contact_id}/notes"
    for note in _paged(client, path, NOTES_PER_PAGE, ("data",)):
        yield _reference("note", "/notes", note)


def _paged(
    client: IntercomClient, path: str, per_page: int, keys: tuple[str, ...]
) -> Iterator[dict[str, Any]]:
    """Every item of a page-numbered list, each once, until the last page."""
    seen: set[str] = set()
    page = 1
    while True:
        response = client.get(path, {"page": page, "per_page": per_page}, list_keys=keys)
        items: list[dict[str, Any]] = next((response[key] for key in keys if response.get(key)), [])
        new = [item for item in items if str(item["id"]) not in seen]
        for item in new:
            seen.add(str(item["id"]))
            yield item
        if not new or _last_page(response.get("pages"), page, len(items), per_page):
            return
        page += 1


def _last_page(pages: Any, page: int, returned: int, per_page: int) -> bool:
    """`pages` may be absent (optional in `pages_link`): then a short page is the last."""
    if isinstance(pages, dict) and pages.get("total_pages") is not None:
        return page >= int(pages["total_pages"])
    return returned < per_page


def _reference(kind: str, collection: str, item: dict[str, Any]) -> dict[str, Any]:
    """A tag or company as a contact embeds it: `{type, id, url}` (spec L22765)."""
    item_id = str(item["id"])
    return {"type": kind, "id": item_id, "url": f"{collection}/{item_id}"}
