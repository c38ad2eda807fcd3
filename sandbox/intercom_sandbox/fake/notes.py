"""Notes on contacts, and `GET /contacts/{id}/notes` (spec L7214, `note_list` L32957).

A contact embeds at most 10 of its notes (spec L25593: "Up to 10 will be displayed here. Use the
url to get more"); the rest is behind the list endpoint, which pages by number. The 2.16
description declares no query parameter for it, but Intercom's own SDK sends `page` ("Defaults to
first page") and `per_page` ("Defaults to 15"), and pages until a page comes back empty
(intercom/intercom-node `src/api/resources/notes/client/requests/ListContactNotesRequest.ts` and
`client/Client.ts`). The description's example answers with `pages: {page, per_page,
total_pages, next: null}` (L7277-7282) and lists the newest note first (ids 26, 25, 24).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .config import WorkspaceSpec
from .content import html_body
from .seeding import rng_for

NOTES_PER_PAGE = 15  # intercom-node ListContactNotesRequest: "Defaults to 15"
# A fully linked contact has more notes than two pages of 50 hold, so that every way of paging
# reaches a third page.
FULLY_LINKED_NOTES = 107
NOTE_ID_BASE = 5_000_000


@dataclass(frozen=True)
class Note:
    id: str
    created_at: int
    contact_id: str
    admin_id: str
    body: str


def make_notes(
    spec: WorkspaceSpec, contacts: dict[str, dict[str, Any]], admin_ids: list[str]
) -> dict[str, list[Note]]:
    """Each contact's notes, newest first (as the list endpoint returns them)."""
    notes: dict[str, list[Note]] = {}
    next_id = NOTE_ID_BASE
    for number, contact in enumerate(contacts.values(), start=1):
        rng = rng_for(spec.seed, "notes", number)
        count = FULLY_LINKED_NOTES if number <= spec.fully_linked_contacts else 0
        count = count or rng.choice([0, 0, 0, 1, 2, 3])
        written = []
        for index in range(count):
            next_id += 1
            at = contact["created_at"] + (index + 1) * 3_600
            admin_id = rng.choice(admin_ids)
            written.append(Note(str(next_id), at, contact["id"], admin_id, html_body(rng)))
        notes[contact["id"]] = written[::-1]
    return notes


def render_note(note: Note, admin: dict[str, Any]) -> dict[str, Any]:
    """The note as the list endpoint shows it; the author is the admin in the short form of the
    description's example (L7246-7252)."""
    author_keys = ("type", "id", "name", "email", "away_mode_enabled", "away_mode_reassign")
    return {
        "type": "note",
        "id": note.id,
        "created_at": note.created_at,
        "contact": {"type": "contact", "id": note.contact_id},
        "author": {key: admin[key] for key in author_keys},
        "body": note.body,
    }


def note_pages(page: int, per_page: int, total: int) -> dict[str, Any]:
    """`pages` of the note list: `next` is null on the last page (L7277-7282); before it, it
    names the following page (the description's `starting_after_paging` has no page number, but
    this list takes page numbers)."""
    total_pages = math.ceil(total / per_page)
    following = {"page": page + 1, "per_page": per_page} if page < total_pages else None
    return {
        "type": "pages",
        "next": following,
        "page": page,
        "per_page": per_page,
        "total_pages": total_pages,
    }
