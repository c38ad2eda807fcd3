"""Generation of contacts and companies, in the 2.16 shape."""

from __future__ import annotations

import random
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


def make_contacts(
    spec: WorkspaceSpec, admin_ids: list[str], tag_ids: list[str], company_ids: list[str]
) -> dict[str, dict[str, Any]]:
    contacts = {}
    for number in range(1, spec.contacts + 1):
        rng = rng_for(spec.seed, "contact", number)
        contact = make_contact(rng, number, admin_ids, tag_ids, company_ids)
        contacts[contact["id"]] = contact
    return contacts


def make_contact(
    rng: random.Random,
    number: int,
    admin_ids: list[str],
    tag_ids: list[str],
    company_ids: list[str],
) -> dict[str, Any]:
    created = EARLIEST + rng.randrange(HISTORY_SECONDS - 86_400)
    updated = rng.randint(created, ANCHOR - 1)
    contact_id = object_id(created, 1, number)
    name = person_name(rng) if rng.random() < 0.9 else None
    email = email_for(name or "anonymous", number, rng)
    role = "user" if rng.random() < 0.7 else "lead"
    country, region, city = rng.choice(COUNTRIES)
    companies = rng.sample(company_ids, k=min(len(company_ids), rng.choice([0, 1, 1, 2])))
    tags = rng.sample(tag_ids, k=min(len(tag_ids), rng.randint(0, 3)))
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
        "tags": _addressable(f"/contacts/{contact_id}/tags", "tag", tags),
        "notes": _addressable(f"/contacts/{contact_id}/notes", "note", []),
        "companies": _addressable(f"/contacts/{contact_id}/companies", "company", companies),
        "location": {"type": "location", "country": country, "region": region, "city": city},
        "social_profiles": {"type": "social_profile.list", "data": []},
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


def _addressable(path: str, kind: str, ids: list[str]) -> dict[str, Any]:
    """Contacts embed at most 10 tags/notes/companies, with a url for the rest (spec L25488)."""
    plural = {"tag": "tags", "note": "notes", "company": "companies"}[kind]
    data = [{"type": kind, "id": i, "url": f"/{plural}/{i}"} for i in ids[:10]]
    return {
        "type": "list",
        "data": data,
        "url": path,
        "total_count": len(ids),
        "has_more": len(ids) > 10,
    }
