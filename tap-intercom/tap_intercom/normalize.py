"""Normalise Intercom 2.14/2.15 values to their 2.16 equivalents.

The differences: docs/intercom-api.md#api-versions.

| field | 2.14/2.15 | normalised (2.16) |
|---|---|---|
| conversation `priority` | `priority` / `not_priority` | `high` / `none` |
| conversation `admin_assignee_id`, `team_assignee_id` | null when unassigned | `0` |
| contact `owner_id` | integer | string |
| ticket `admin_assignee_id` | string, null when unassigned | integer, `0` |

2.16's five priority levels cannot be recovered from 2.14/2.15's yes/no flag: a prioritised
conversation becomes `high`.
"""

from __future__ import annotations

from typing import Any

_LEGACY_PRIORITY = {"priority": "high", "not_priority": "none"}


def assignee_id(value: Any) -> int:
    """Integer assignee id, 0 when unassigned (2.16 convention)."""
    if value in (None, ""):
        return 0
    return int(value)


def priority(value: Any) -> Any:
    return _LEGACY_PRIORITY.get(value, value) if isinstance(value, str) else value


def optional_text(value: Any) -> str | None:
    return None if value is None else str(value)
