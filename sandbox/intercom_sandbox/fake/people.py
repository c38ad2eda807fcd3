"""Generation of contacts and companies, in the 2.16 shape."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from .clock import ANCHOR, HISTORY_SECONDS
from .config import WorkspaceSpec
from .content import COUNTRIES, email_for, object_id, person_name, sentence
from .seeding import rng_for

EARLIEST = ANCHOR - HISTORY_SECONDS
APP_ID = "fk7ab1e5"


def make_companies(
    spec: WorkspaceSpec, tags: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    companies = {}
    for number in range(1, spec.companies + 1):
        rng = rng_for(spec.seed, "company", number)
        created = EARLIEST + rng.randrange(HISTORY_SECONDS // 2)
        updated = rng.randint(created, ANCHOR - 1)
        company_id = object_id(created, 2, number)
        chosen = rng.sample(sorted(tags), k=min(len(tags), rng.randint(0, 2)))
        companies[company_id] = {
            "type": "company",
            "id": company_id,
            "name": f"{rng.choice(['Acme', 'Globex', 'Initech', 'Umbrella', 'Søstrene'])} {number}",
            "app_id": APP_ID,
            "plan": {"type": "plan", "id": str(260 + number % 3), "name": "Pro"},
            "company_id": f"remote-company-{number}",
            "remote_created_at": created - 86_400,
            "created_at": created,
            "updated_at": updated,
            "last_request_at": updated,
            "size": rng.randint(1, 5_000),
            "website": f"https://company{number}.example.com",
            "industry": rng.choice(["Software", "Retail", "Finance", "Santé"]),
            "monthly_spend": rng.randint(0, 10_000),
            "session_count": rng.randint(0, 500),
            "user_count": 0,
            "custom_attributes": _company_attributes(rng, created),
            "tags": {"type": "tag.list", "tags": [_tag_ref(tags[t]) for t in chosen]},
            "segments": {"type": "segment.list", "segments": []},
            "notes": {"type": "note.list", "notes": []},
        }
    return companies


def _tag_ref(tag: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tag", "id": tag["id"], "name": tag["name"]}


def _company_attributes(rng: random.Random, created: int) -> dict[str, Any]:
    return {
        "tier": rng.choice(["basic", "pro", "enterprise"]),
        "employees": rng.randint(1, 10_000),
        "health_score": round(rng.uniform(0, 100), 2),
        "churned": rng.random() < 0.1,
        "renewal_at": created + rng.randint(30, 400) * 86_400,
    }


EMBEDDED_LIST_LIMIT = 10  # "Up to 10 will be displayed here. Use the url to get more" (L25488)


@dataclass(frozen=True)
class ContactLinks:
    """Every tag and company of one contact; the contact object embeds only the first 10."""

    tag_ids: tuple[str, ...]
    company_ids: tuple[str, ...]


def make_contacts(
    spec: WorkspaceSpec, admin_ids: list[str], tag_ids: list[str], company_ids: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, ContactLinks]]:
    contacts, links = {}, {}
    for number in range(1, spec.contacts + 1):
        rng = rng_for(spec.seed, "contact", number)
        everything = number <= spec.fully_linked_contacts
        contact, linked = make_contact(rng, number, admin_ids, tag_ids, company_ids, everything)
        if number <= spec.odd_timestamps:
            contact.update(odd_timestamps(contact))
        contacts[contact["id"]] = contact
        links[contact["id"]] = linked
    return contacts, links


def make_contact(
    rng: random.Random,
    number: int,
    admin_ids: list[str],
    tag_ids: list[str],
    company_ids: list[str],
    everything: bool = False,
) -> tuple[dict[str, Any], ContactLinks]:
    created = EARLIEST + rng.randrange(HISTORY_SECONDS - 86_400)
    updated = rng.randint(created, ANCHOR - 1)
    contact_id = object_id(created, 1, number)
    name = person_name(rng) if rng.random() < 0.9 else None
    email = email_for(name or "anonymous", number, rng)
    role = "user" if rng.random() < 0.7 else "lead"
    country, region, city = rng.choice(COUNTRIES)
    companies = rng.sample(company_ids, k=min(len(company_ids), rng.choice([0, 1, 1, 2])))
    tags = rng.sample(tag_ids, k=min(len(tag_ids), rng.randint(0, 3)))
    links = ContactLinks(tuple(tag_ids), tuple(company_ids))
    if not everything:
        links = ContactLinks(tuple(tags), tuple(companies))
    seen = rng.randint(created, updated) if rng.random() < 0.8 else None
    return {
        "type": "contact",
        "id": contact_id,
        "external_id": f"ext-{number}" if role == "user" else None,
        "workspace_id": APP_ID,
        "role": role,
        "email": email,
        "email_domain": email.split("@")[1],
        "phone": f"+1555{number:07d}" if rng.random() < 0.4 else None,
        "name": name,
        "owner_id": rng.choice(admin_ids) if rng.random() < 0.5 else None,
        "has_hard_bounced": rng.random() < 0.05,
        "marked_email_as_spam": rng.random() < 0.02,
        "unsubscribed_from_emails": rng.random() < 0.1,
        "created_at": created,
        "updated_at": updated,
        "signed_up_at": created if role == "user" else None,
        "last_seen_at": seen,
        "last_replied_at": seen,
        "last_contacted_at": None,
        "last_email_opened_at": None,
        "last_email_clicked_at": None,
        "language_override": rng.choice([None, "fr", "de", "pt-BR"]),
        "browser": "chrome",
        "browser_version": "120.0.0",
        "browser_language": "en-US",
        "os": rng.choice(["OS X 10.15", "Windows 11", "Android 14", None]),
        **_mobile_fields(),
        "custom_attributes": _contact_attributes(rng, created),
        "avatar": {"type": "avatar", "image_url": None},
        "tags": addressable(contact_id, "tag", links.tag_ids),
        "notes": addressable(contact_id, "note", ()),
        "companies": addressable(contact_id, "company", links.company_ids),
        "location": {"type": "location", "country": country, "region": region, "city": city},
        "social_profiles": {"type": "social_profile.list", "data": []},
        **marketing_fields(contact_id, number),
    }, links


UTM_SOURCES = (None, "google", "newsletter", "partner-site")


def marketing_fields(contact_id: str, number: int) -> dict[str, Any]:
    """Fields every contact example of the description shows, though the `contact` schema lacks
    them (spec 2.16 L8134-8152): UTM parameters, referrer, subscription types and push messaging.
    Derived from the number alone, so the contacts' other random values stay as they were."""
    source = UTM_SOURCES[number % len(UTM_SOURCES)]
    opted_out = ("37846",) if number % 5 == 0 else ()
    return {
        "opted_out_subscription_types": _subscriptions(contact_id, opted_out),
        "opted_in_subscription_types": _subscriptions(contact_id, ()),
        "utm_campaign": f"spring-{number % 4}" if source else None,
        "utm_content": "banner" if source else None,
        "utm_medium": "cpc" if source == "google" else ("email" if source else None),
        "utm_source": source,
        "utm_term": "helpdesk software" if source == "google" else None,
        "referrer": f"https://{source}.example.com/landing" if source else None,
        "enabled_push_messaging": None,
    }


def _subscriptions(contact_id: str, ids: tuple[str, ...]) -> dict[str, Any]:
    """An addressable list of subscription types (the examples' shape, L8134-8145); the id is the
    attachSubscriptionTypeToContact example's."""
    return {
        "type": "list",
        "data": [{"type": "subscription", "id": i, "url": f"/subscriptions/{i}"} for i in ids],
        "url": f"/contacts/{contact_id}/subscriptions",
        "total_count": len(ids),
        "has_more": False,
    }


# Nanoseconds of 2023: no unit the tap reads gives a plausible date.
OUT_OF_RANGE_TIMESTAMP = 1_700_000_000_000_000_000


def odd_timestamps(contact: dict[str, Any]) -> dict[str, Any]:
    """signed_up_at in milliseconds, as singer-io/tap-intercom PR #10 saw it from the API
    ("{'signed_up_at': 1467133937045, 'created_at': 1467133614}"; PR #12: "API inconsistently
    return date times, epoch seconds and epoch millis"). The microseconds and the out-of-range
    value are defensive: no public report of them was found."""
    created = contact["created_at"]
    return {
        "signed_up_at": created * 1_000 + 123,
        "last_seen_at": created * 1_000_000 + 456_789,
        "last_contacted_at": OUT_OF_RANGE_TIMESTAMP,
    }


def _mobile_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for platform in ("android", "ios"):
        for suffix in ("app_name", "app_version", "device", "os_version", "sdk_version"):
            fields[f"{platform}_{suffix}"] = None
        fields[f"{platform}_last_seen_at"] = None
    return fields


def _contact_attributes(rng: random.Random, created: int) -> dict[str, Any]:
    return {
        "plan_name": rng.choice(["basic", "pro", "enterprise", "ünïcode 🚀"]),
        "seats": rng.randint(1, 200),
        "mrr": round(rng.uniform(0, 999), 2),
        "is_beta": rng.random() < 0.3,
        "trial_ends_at": created + rng.randint(7, 30) * 86_400,
        "notes": sentence(rng, 5) if rng.random() < 0.3 else None,
    }


def addressable(
    contact_id: str, kind: str, ids: tuple[str, ...], limit: int | None = EMBEDDED_LIST_LIMIT
) -> dict[str, Any]:
    """A contact's tags/notes/companies: at most `limit` embedded, with a url for the rest
    (spec L25488); `limit=None` embeds them all (the ground truth)."""
    plural = {"tag": "tags", "note": "notes", "company": "companies"}[kind]
    shown = ids if limit is None else ids[:limit]
    return {
        "type": "list",
        "data": [{"type": kind, "id": i, "url": f"/{plural}/{i}"} for i in shown],
        "url": f"/contacts/{contact_id}/{plural}",
        "total_count": len(ids),
        "has_more": len(shown) < len(ids),
    }
