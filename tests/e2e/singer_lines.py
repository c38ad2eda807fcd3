"""Hand-written Singer input for the target: a valid prefix and a catalogue of bad lines."""

from __future__ import annotations

import json
from typing import Any

TEAMS_SCHEMA: dict[str, Any] = {
    "type": "SCHEMA",
    "stream": "teams",
    "key_properties": ["team_id"],
    "schema": {
        "type": "object",
        "properties": {
            "team_id": {"type": "string"},
            "name": {"type": ["string", "null"]},
            "size": {"type": ["integer", "null"]},
            "updated_at": {"type": ["string", "null"], "format": "date-time"},
        },
        "required": ["team_id"],
    },
}
PREFIX_STATE: dict[str, Any] = {"bookmarks": {"teams": {"progress": "prefix"}}}


def team(team_id: str, **fields: Any) -> dict[str, Any]:
    record = {"team_id": team_id, "name": f"Team {team_id}", "size": 3}
    record["updated_at"] = "2026-01-02T03:04:05+00:00"
    return {"type": "RECORD", "stream": "teams", "record": {**record, **fields}}


def prefix() -> list[dict[str, Any]]:
    """Committed before anything bad arrives: two rows and the STATE that confirms them."""
    return [TEAMS_SCHEMA, team("1"), team("2"), {"type": "STATE", "value": PREFIX_STATE}]


def suffix(state_number: int = 2) -> list[dict[str, Any]]:
    """A good row after the bad input, and a state that would confirm it."""
    state = {"bookmarks": {"teams": {"progress": f"suffix-{state_number}"}}}
    return [team("3"), {"type": "STATE", "value": state}]


def as_lines(*messages: dict[str, Any] | str) -> str:
    """One message per line; a str is written as it is (for lines that are not valid JSON)."""
    return "".join((m if isinstance(m, str) else json.dumps(m)) + "\n" for m in messages)
