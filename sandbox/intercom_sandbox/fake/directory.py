"""Generation of the small reference lists: admins, teams, tags, segments, data attributes."""

from __future__ import annotations

from typing import Any

from .clock import ANCHOR, HISTORY_SECONDS
from .config import WorkspaceSpec
from .content import email_for, object_id, person_name
from .seeding import rng_for

EARLIEST = ANCHOR - HISTORY_SECONDS
TAG_NAMES = ("VIP", "bug", "billing", "feature request", "churn risk", "urgent 🔥", "Bestellung",
             "follow-up", "onboarding", "enterprise", "sales", "ĉapelo")  # fmt: skip


def admin_id(number: int) -> str:
    return str(991_267_000 + number)


def team_id(number: int) -> str:
    return str(5_000 + number)


def tag_id(number: int) -> str:
    return str(7_522_900 + number)


def make_admins(spec: WorkspaceSpec) -> dict[str, dict[str, Any]]:
    admins = {}
    for number in range(1, max(spec.admins, 1) + 1):
        rng = rng_for(spec.seed, "admin", number)
        name = person_name(rng)
        team_ids = [int(team_id(t)) for t in range(1, spec.teams + 1) if (number + t) % 2 == 0]
        admins[admin_id(number)] = {
            "type": "admin",
            "id": admin_id(number),
            "name": name,
            "email": email_for(name, number, rng).split("@")[0] + "@support.example.com",
            "job_title": rng.choice(["Support Engineer", "Success Manager", "Head of Support", ""]),
            "away_mode_enabled": rng.random() < 0.2,
            "away_mode_reassign": rng.random() < 0.5,
            "away_status_reason_id": None,
            "has_inbox_seat": True,
            "team_ids": team_ids,
            "avatar": f"https://static.intercomassets.example/avatars/{number}/square_128.png",
            "team_priority_level": {"primary_team_ids": team_ids, "secondary_team_ids": []},
            "role": {"type": "role", "id": "1", "name": "Teammate"},
        }
    return admins


def make_teams(spec: WorkspaceSpec, admins: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    teams = {}
    for number in range(1, spec.teams + 1):
        members = [int(a["id"]) for a in admins.values() if int(team_id(number)) in a["team_ids"]]
        teams[team_id(number)] = {
            "type": "team",
            "id": team_id(number),
            "name": ["Support", "Billing", "Sales", "Tier 2", "Équipe FR"][(number - 1) % 5],
            "admin_ids": members,
            "admin_priority_level": {"primary_admin_ids": members, "secondary_admin_ids": []},
            "assignment_limit": None,
            "distribution_method": "round_robin",
        }
    return teams


def make_tags(spec: WorkspaceSpec) -> dict[str, dict[str, Any]]:
    tags = {}
    for number in range(1, spec.tags + 1):
        name = TAG_NAMES[(number - 1) % len(TAG_NAMES)]
        if number > len(TAG_NAMES):
            name = f"{name} {number}"
        tags[tag_id(number)] = {"type": "tag", "id": tag_id(number), "name": name}
    return tags


def make_segments(spec: WorkspaceSpec) -> dict[str, dict[str, Any]]:
    segments = {}
    for number in range(1, spec.segments + 1):
        created = EARLIEST + number * 86_400
        segment_id = object_id(created, 3, number)
        segments[segment_id] = {
            "type": "segment",
            "id": segment_id,
            "name": ["Active users", "New leads", "Slipping away", "Paying"][(number - 1) % 4],
            "created_at": created,
            "updated_at": created + 3_600,
            "person_type": "user" if number % 2 else "contact",
        }
    return segments


CUSTOM_ATTRIBUTES: dict[str, tuple[tuple[str, str], ...]] = {
    # (name, data_type): one of each type Intercom supports for custom data attributes.
    "contact": (("plan_name", "string"), ("seats", "integer"), ("mrr", "float"),
                ("is_beta", "boolean"), ("trial_ends_at", "date")),
    "company": (("tier", "string"), ("employees", "integer"), ("health_score", "float"),
                ("churned", "boolean"), ("renewal_at", "date")),
    "conversation": (("Order number", "string"), ("Refund amount", "float"),
                     ("Escalated", "boolean"), ("Follow-up date", "date")),
}  # fmt: skip
STANDARD_ATTRIBUTES: dict[str, tuple[tuple[str, str], ...]] = {
    "contact": (("name", "string"), ("email", "string"), ("created_at", "date"),
                ("updated_at", "date"), ("last_seen_at", "date")),
    "company": (("name", "string"), ("company_id", "string"), ("last_request_at", "date"),
                ("user_count", "integer")),
    "conversation": (("state", "string"), ("priority", "string")),
}  # fmt: skip


def make_data_attributes(admins: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    attributes = []
    first_admin = int(next(iter(admins)))
    for model in ("contact", "company", "conversation"):
        for name, data_type in STANDARD_ATTRIBUTES[model]:
            attributes.append(_attribute(model, name, data_type, custom=False))
        for offset, (name, data_type) in enumerate(CUSTOM_ATTRIBUTES[model]):
            attribute = _attribute(model, name, data_type, custom=True)
            attribute |= {
                "id": 100 + len(attributes),
                "created_at": EARLIEST + offset * 3_600,
                "updated_at": EARLIEST + offset * 7_200,
                "admin_id": str(first_admin),
            }
            if data_type == "string":
                attribute["options"] = ["basic", "pro", "enterprise"]
            attributes.append(attribute)
    return attributes


def _attribute(model: str, name: str, data_type: str, *, custom: bool) -> dict[str, Any]:
    full_name = f"custom_attributes.{name}" if custom else name
    return {
        "type": "data_attribute",
        "model": model,
        "name": name,
        "full_name": full_name,
        "label": name.replace("_", " ").capitalize(),
        "description": f"The {name.replace('_', ' ')}",
        "data_type": data_type,
        "api_writable": custom,
        "messenger_writable": False,
        "ui_writable": custom,
        "custom": custom,
        "archived": False,
    }
