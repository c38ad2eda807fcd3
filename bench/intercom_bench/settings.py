"""The benchmark's sizes and knobs: defaults that finish in ~25 minutes on a 2-core machine, and
the full sizes (`--issue-sizes`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

PARTS = ("load", "extract", "growth")


@dataclass(frozen=True)
class Settings:
    parts: tuple[str, ...] = PARTS
    repeats: int = 3
    load_conversations: int = 20_000
    extract_conversations: int = 1_000
    paced_conversations: int = 1_000
    growth_load_conversations: tuple[int, ...] = (1_000, 5_000, 20_000)
    growth_extract_conversations: tuple[int, ...] = (500, 2_000, 8_000)
    latency_ms: int = 100
    fast_limit_per_minute: int = 10_000
    paced_limit_per_minute: int = 1_000
    peers: bool = True
    seed: int = 7

    def per_10s(self, per_minute: int) -> int:
        """Intercom states limits per minute and enforces them per 10-second window; 1,000/min
        is 167 per window in its 2.17 docs (shared/docs/intercom-api.md, section 6)."""
        return max(1, round(per_minute / 6))


ISSUE_SIZES = Settings(
    load_conversations=20_000,
    extract_conversations=1_000,
    paced_conversations=1_000,
    growth_load_conversations=(1_000, 10_000, 50_000),
    growth_extract_conversations=(1_000, 10_000, 50_000),
)


def with_issue_sizes(settings: Settings) -> Settings:
    return replace(
        settings,
        load_conversations=ISSUE_SIZES.load_conversations,
        extract_conversations=ISSUE_SIZES.extract_conversations,
        paced_conversations=ISSUE_SIZES.paced_conversations,
        growth_load_conversations=ISSUE_SIZES.growth_load_conversations,
        growth_extract_conversations=ISSUE_SIZES.growth_extract_conversations,
    )
