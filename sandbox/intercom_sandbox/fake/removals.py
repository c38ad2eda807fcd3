"""Objects that leave a workspace: deleted, archived and merged contacts, deleted companies and
conversations. Each is gone from every list and search from then on, as in Intercom:

- a deleted contact answers 404 and is absent from list and search (`DELETE /contacts/{id}`,
  spec 2.16 L8479);
- a lead merged into a user is "permanently removed from the active contact list": 404 on GET,
  absent from `GET /contacts` and search (intercom/Intercom-OpenAPI PR #454); the user it was
  merged into lists it in `merge_history` (2.16, include_merge_history=true: spec L8909, L25454);
- an archived contact: whether it stays in list and search is not documented (stored sources are
  silent); the fake takes it out of both, the case in which only a snapshot or the
  `contact.archived` webhook can tell;
- a deleted company is gone from the scroll (`DELETE /companies/{id}`, spec 2.16 L6374); its
  contacts lose it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .people import addressable

if TYPE_CHECKING:
    from .mutations import MutationSummary
    from .workspace import Workspace


@dataclass(frozen=True)
class Merge:
    into: str
    merged_at: int


def delete_contact(ws: Workspace, contact_id: str, at: int) -> dict[str, Any]:
    contact = ws.contacts.pop(contact_id)
    ws.former_contacts[contact_id] = contact
    ws.deleted_contacts[contact_id] = at
    return contact


def archive_contact(ws: Workspace, contact_id: str, at: int) -> dict[str, Any]:
    contact = ws.contacts.pop(contact_id)
    ws.former_contacts[contact_id] = contact
    ws.archived_contacts[contact_id] = at
    return contact


def merge_contact(ws: Workspace, lead_id: str, user_id: str, at: int) -> dict[str, Any]:
    """Merge a lead into a user (POST /contacts/merge takes a lead `from`, a user `into`)."""
    lead, user = ws.contacts[lead_id], ws.contacts[user_id]
    if lead["role"] != "lead" or user["role"] != "user":
        msg = f"merge needs a lead and a user, got {lead['role']} and {user['role']}"
        raise ValueError(msg)
    ws.former_contacts[lead_id] = ws.contacts.pop(lead_id)
    ws.merged_contacts[lead_id] = Merge(user_id, at)
    user["updated_at"] = at
    return user


def merge_history(ws: Workspace, user_id: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "merge_history",
            "source_contact_id": source,
            "source_contact_role": "lead",
            "merged_at": merge.merged_at,
        }
        for source, merge in ws.merged_contacts.items()
        if merge.into == user_id
    ]


def delete_company(ws: Workspace, company_id: str, at: int) -> dict[str, Any]:
    """The company goes; each of its contacts loses it, a change of the contact."""
    company = ws.companies.pop(company_id)
    ws.deleted_companies[company_id] = at
    for contact_id, links in ws.contact_links.items():
        if company_id not in links.company_ids or contact_id not in ws.contacts:
            continue
        kept = tuple(c for c in links.company_ids if c != company_id)
        ws.contact_links[contact_id] = replace(links, company_ids=kept)
        contact = ws.contacts[contact_id]
        contact["companies"] = addressable(contact_id, "company", kept)
        contact["updated_at"] = at
    return company


def remove(ws: Workspace, kind: str, object_id: str, into: str | None, at: int) -> dict[str, Any]:
    """Apply one removal; return the webhook's `data.item` for its topic `kind`."""
    if kind == "contact.deleted":
        return _identified("contact", delete_contact(ws, object_id, at))
    if kind == "contact.archived":
        return _identified("contact", archive_contact(ws, object_id, at))
    if kind == "contact.merged":
        # `data.item` is the contact merged into, with `merged_from` naming the lead.
        user = merge_contact(ws, object_id, str(into), at)
        return {**copy.deepcopy(user), "merged_from": {"type": "contact", "id": object_id}}
    if kind == "company.deleted":
        return _identified("company", delete_company(ws, object_id, at))
    if kind == "conversation.deleted":
        from .workspace import DeletedConversation

        del ws.conversations[object_id]
        ws.deleted_conversations[object_id] = DeletedConversation(at, False)
        # The minimal payload recorded by webhookdb/webhookdb (its intercom_conversation_v1 spec).
        return {"type": "conversation", "id": object_id, "conversation_id": object_id}
    msg = f"unknown removal {kind!r}"
    raise ValueError(msg)


def _identified(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    """ "The *.deleted webhook topics send a minimal identification payload containing only
    identifying fields" (developers.intercom.com/docs/references/webhooks/webhook-models)."""
    return {"type": kind, "id": obj["id"], "external_id": obj.get("external_id")}


def mutation_events(summary: MutationSummary) -> list[tuple[str, dict[str, Any]]]:
    """One webhook per object a mutation changed, with a topic Intercom sends for such a change
    (webhook-models page). Intercom sends the whole object; the receiver reads only `type`, `id`
    and `updated_at` of a change topic, which is all the fake sends. A tag removed from a
    conversation sends nothing: the 2.16 topic list has `conversation_part.tag.created` and no
    removal topic, so only the scheduled sync sees it."""
    conversation_topics = (
        ("conversation.admin.replied", summary.updated_conversations),
        ("conversation.user.created", summary.new_conversations),
        ("conversation_part.tag.created", summary.tagged_conversations),
    )
    changes = [
        *((topic, "conversation", c) for topic, ids in conversation_topics for c in ids),
        *(("contact.user.updated", "contact", c) for c in summary.updated_contacts),
        *(("ticket.state.updated", "ticket", t) for t in summary.updated_tickets),
        *(("company.updated", "company", c) for c in summary.updated_companies),
    ]
    events = [
        (topic, {"type": kind, "id": object_id, "updated_at": summary.timestamp})
        for topic, kind, object_id in changes
    ]
    for cid in summary.deleted_conversations:
        events.append(("conversation.deleted", {"type": "conversation", "id": cid}))
    return events
