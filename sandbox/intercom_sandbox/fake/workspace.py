"""The workspace: every object Intercom holds for one app, guarded by one lock."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .clock import HISTORY_SECONDS, MutationClock
from .config import WorkspaceSpec
from .conversations import EARLIEST as HISTORY_START
from .conversations import conversation_id, make_conversations
from .directory import (
    EARLIEST,
    make_admins,
    make_data_attributes,
    make_segments,
    make_tags,
    make_teams,
)
from .notes import Note, make_notes
from .people import APP_ID, ContactLinks, addressable, make_companies, make_contacts
from .records import AppliedTag, ConversationRecord
from .removals import Merge
from .render import render_conversation
from .seeding import rng_for
from .tickets import make_tickets

if TYPE_CHECKING:
    from .mutations import MutationSummary


@dataclass
class Truth:
    """What Intercom holds now, in the 2.16 shape, with every conversation part and every tag
    and company of a contact embedded (the API embeds at most 10)."""

    conversations: dict[str, dict[str, Any]]
    contacts: dict[str, dict[str, Any]]
    admins: dict[str, dict[str, Any]]
    tags: dict[str, dict[str, Any]]
    teams: dict[str, dict[str, Any]]
    segments: dict[str, dict[str, Any]]
    companies: dict[str, dict[str, Any]]
    tickets: dict[str, dict[str, Any]]
    data_attributes: list[dict[str, Any]]
    deleted_conversations: dict[str, int] = field(default_factory=dict)
    # Contacts and companies that left the workspace (removals.py): id → when.
    deleted_contacts: dict[str, int] = field(default_factory=dict)
    archived_contacts: dict[str, int] = field(default_factory=dict)
    merged_contacts: dict[str, str] = field(default_factory=dict)  # lead → the user it joined
    deleted_companies: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DeletedConversation:
    deleted_at: int
    metrics_retained: bool


# Numbers of conversations deleted before the anchor: far above any a mutation creates.
DELETED_HISTORY_BASE = 500_000_000


def _deleted_before_anchor(spec: WorkspaceSpec) -> dict[str, DeletedConversation]:
    deleted = {}
    for number in range(1, spec.deleted_conversations + 1):
        rng = rng_for(spec.seed, "deleted-conversation", number)
        deleted[conversation_id(DELETED_HISTORY_BASE + number)] = DeletedConversation(
            deleted_at=HISTORY_START + rng.randrange(HISTORY_SECONDS),
            metrics_retained=rng.random() < 0.5,
        )
    return deleted


class Workspace:
    def __init__(self, spec: WorkspaceSpec) -> None:
        self.spec = spec
        self.zone = ZoneInfo(spec.timezone)
        self.lock = threading.RLock()
        self.clock = MutationClock()
        self.admins = make_admins(spec)
        self.teams = make_teams(spec, self.admins)
        self.tags = make_tags(spec)
        self.segments = make_segments(spec)
        self.data_attributes = make_data_attributes(self.admins)
        self.companies = make_companies(spec, self.tags)
        self.contacts, self.contact_links = make_contacts(
            spec, sorted(self.admins), sorted(self.tags), sorted(self.companies)
        )
        self.notes: dict[str, list[Note]] = make_notes(spec, self.contacts, sorted(self.admins))
        for contact_id, notes in self.notes.items():
            note_ids = tuple(note.id for note in notes)
            self.contacts[contact_id]["notes"] = addressable(contact_id, "note", note_ids)
        self.conversations: dict[str, ConversationRecord] = make_conversations(
            spec, self.contacts, sorted(self.admins), sorted(self.teams), sorted(self.tags)
        )
        self.tickets = make_tickets(spec, self.contacts, self.admins)
        self.deleted_conversations = _deleted_before_anchor(spec)
        self.deleted_contacts: dict[str, int] = {}
        self.archived_contacts: dict[str, int] = {}
        self.merged_contacts: dict[str, Merge] = {}
        self.deleted_companies: dict[str, int] = {}
        self.former_contacts: dict[str, dict[str, Any]] = {}  # removed contacts, as they were
        # Called with (topic, item) after each change: the fake's webhooks (webhooks.py).
        self.listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self.mutations_applied = 0
        self.extra_parts_created = 0
        self.conversations_created = spec.conversations
        self._count_company_users()

    def _count_company_users(self) -> None:
        for links in self.contact_links.values():
            for company_id in links.company_ids:
                self.companies[company_id]["user_count"] += 1

    @property
    def first_admin_id(self) -> str:
        return next(iter(self.admins))

    @property
    def app(self) -> dict[str, Any]:
        return {
            "type": "app",
            "id_code": APP_ID,
            "name": f"Fake workspace {self.spec.seed}",
            "region": "US",
            "timezone": self.spec.timezone,
            "created_at": EARLIEST,
            "identity_verification": False,
        }

    def admin_author(self, admin_id: str) -> dict[str, Any]:
        admin = self.admins[admin_id]
        return _author("admin", admin_id, admin["name"], admin["email"])

    def contact_author(self, contact_id: str, *, as_contact: bool = False) -> dict[str, Any]:
        # A part keeps its author as it was when written, also after the contact left (removals).
        contact = self.contacts.get(contact_id) or self.former_contacts.get(contact_id)
        if contact is None:  # a contact deleted since: Intercom keeps the reference
            return _author("user", contact_id, None, "")
        kind = "contact" if as_contact else contact["role"]
        return _author(kind, contact_id, contact["name"], contact["email"])

    def bot_author(self, *, ai: bool = False) -> dict[str, Any]:
        author = _author("bot", "1", "Fin", f"operator+{APP_ID}@intercom.io")
        return author | {"from_ai_agent": ai, "is_ai_answer": ai}

    def team_author(self, team_id: str) -> dict[str, Any]:
        return _author("team", team_id, self.teams[team_id]["name"], f"team-{team_id}@example.com")

    def contact_reference(self, contact_id: str) -> dict[str, Any]:
        contact = self.contacts.get(contact_id, {})
        return {"type": "contact", "id": contact_id, "external_id": contact.get("external_id")}

    def company_summary(self, company_id: str | None) -> dict[str, Any] | None:
        if company_id is None or company_id not in self.companies:
            return None
        company = self.companies[company_id]
        return {key: company[key] for key in ("type", "id", "name", "company_id", "created_at")}

    def _complete_contact(self, contact: dict[str, Any]) -> dict[str, Any]:
        links: ContactLinks = self.contact_links[contact["id"]]
        return {
            **copy.deepcopy(contact),
            "tags": addressable(contact["id"], "tag", links.tag_ids, limit=None),
            "companies": addressable(contact["id"], "company", links.company_ids, limit=None),
            "notes": addressable(contact["id"], "note", self.note_ids(contact["id"]), limit=None),
        }

    def note_ids(self, contact_id: str) -> tuple[str, ...]:
        return tuple(note.id for note in self.notes.get(contact_id, ()))

    def applied_tag(self, tag: AppliedTag) -> dict[str, Any]:
        name = self.tags[tag.tag_id]["name"] if tag.tag_id in self.tags else ""
        return {
            "type": "tag",
            "id": tag.tag_id,
            "name": name,
            "applied_at": tag.applied_at,
            "applied_by": {"type": "admin", "id": tag.applied_by},
        }

    def add_tag(self, name: str) -> str:
        """A new tag, applied to nothing yet (`POST /tags`, spec 2.16 L18196); returns its id."""
        with self.lock:
            tag_id = str(9_000_000 + len(self.tags) + 1)
            while tag_id in self.tags:
                tag_id = str(int(tag_id) + 1)
            self.tags[tag_id] = {"type": "tag", "id": tag_id, "name": name}
            return tag_id

    def delete_tag(self, tag_id: str) -> None:
        """`DELETE /tags/{tag_id}` (spec 2.16 L18358): refused while the tag is applied to
        something ("Tag has dependent objects", L18395); afterwards `GET /tags` no longer
        lists it."""
        with self.lock:
            if self._tag_in_use(tag_id):
                msg = f"tag {tag_id} has dependent objects"
                raise ValueError(msg)
            del self.tags[tag_id]

    def _tag_in_use(self, tag_id: str) -> bool:
        in_conversations = any(tag_id in c.tag_ids for c in self.conversations.values())
        in_contacts = any(tag_id in links.tag_ids for links in self.contact_links.values())
        in_companies = any(
            tag_id in {tag["id"] for tag in (company.get("tags") or {}).get("tags", [])}
            for company in self.companies.values()
        )
        return in_conversations or in_contacts or in_companies

    def mutate(self, seed: int) -> MutationSummary:
        """Deterministic changes for the seed (see mutations.py); returns what changed."""
        from .mutations import apply_mutation  # mutations build on the workspace

        with self.lock:
            summary = apply_mutation(self, seed)
        self._notify_mutation(summary)
        return summary

    def remove(self, kind: str, object_id: str, into: str | None = None) -> int:
        """Delete, archive or merge a contact, delete a company or a conversation (removals.py);
        return the time stamped. Listeners hear the webhook topic `kind`."""
        from .removals import remove

        with self.lock:
            at = self.clock.tick()
            item = remove(self, kind, object_id, into, at)
        self.notify(kind, item)
        return at

    def notify(self, topic: str, item: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            listener(topic, item)

    def _notify_mutation(self, summary: MutationSummary) -> None:
        from .removals import mutation_events

        if self.listeners:
            for topic, item in mutation_events(summary):
                self.notify(topic, item)

    def truth(self) -> Truth:
        with self.lock:
            conversations = {
                cid: render_conversation(self, record, parts="all")
                for cid, record in self.conversations.items()
            }
            return Truth(
                conversations=conversations,
                contacts={cid: self._complete_contact(c) for cid, c in self.contacts.items()},
                admins=copy.deepcopy(self.admins),
                tags=copy.deepcopy(self.tags),
                teams=copy.deepcopy(self.teams),
                segments=copy.deepcopy(self.segments),
                companies=copy.deepcopy(self.companies),
                tickets=copy.deepcopy(self.tickets),
                data_attributes=[
                    dict(a) for a in self.data_attributes if a["model"] in ("contact", "company")
                ],
                deleted_conversations={
                    cid: d.deleted_at for cid, d in self.deleted_conversations.items()
                },
                deleted_contacts=dict(self.deleted_contacts),
                archived_contacts=dict(self.archived_contacts),
                merged_contacts={lead: m.into for lead, m in self.merged_contacts.items()},
                deleted_companies=dict(self.deleted_companies),
            )


def _author(kind: str, author_id: str, name: str | None, email: str) -> dict[str, Any]:
    return {
        "type": kind,
        "id": author_id,
        "name": name,
        "email": email,
        "from_ai_agent": False,
        "is_ai_answer": False,
    }
