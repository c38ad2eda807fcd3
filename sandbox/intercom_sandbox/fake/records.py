"""Compact in-memory conversation records; everything else about a conversation derives from them.

Conversations are the bulk of a workspace (tens of thousands in benchmarks), so they are stored as
small records and rendered to Intercom's shape on demand; part bodies are regenerated from the seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class AppliedTag:
    tag_id: str
    applied_at: int
    applied_by: str  # admin id


@dataclass(slots=True)
class ConversationRecord:
    id: str
    number: int
    created_at: int
    updated_at: int
    generated_until: int  # created_at of the last seed-generated part
    generated_parts: int
    state: str
    read: bool
    priority: str  # 2.16 level: none|low|medium|high|urgent
    admin_assignee_id: int  # 0 when unassigned (2.16 convention)
    team_assignee_id: int
    contact_ids: list[str]
    company_id: str | None
    source_type: str
    source_author: tuple[str, str]  # (type, id)
    teammate_ids: list[str]
    title: str | None
    waiting_since: int | None
    snoozed_until: int | None
    ai_agent_participated: bool
    rating: int | None
    tags: list[AppliedTag] = field(default_factory=list)
    extra_parts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def part_count(self) -> int:
        return self.generated_parts + len(self.extra_parts)

    @property
    def tag_ids(self) -> list[str]:
        return [tag.tag_id for tag in self.tags]
