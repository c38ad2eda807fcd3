"""Which updated_at values a run of an incremental stream covers.

A run reads the window [lower, upper): `lower` is inclusive (the bookmark second itself is re-read,
minus `lookback_minutes`); `upper` is frozen at the sync's start second, so anything changed while
the run goes on is left to the next run instead of moving around under the cursor.

Intercom's search is eventually consistent (spec 2.16 L8732-8734: a change "may not appear" in
search results for "a few minutes"), and not in updated_at order: a search can show a change of
second 20 while one of second 10 is still missing. So the bookmark of a searched stream never
passes `settled_until` (the run's start minus `search_delay_minutes`): whatever changed after it
is read again by the next run, by when the index shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tap_intercom.settings import Settings
from tap_intercom.timestamps import epoch


@dataclass(frozen=True)
class Window:
    lower: int | None  # inclusive Unix seconds; None reads from the beginning
    upper: int  # exclusive Unix seconds

    def contains(self, timestamp: int) -> bool:
        return (self.lower is None or timestamp >= self.lower) and timestamp < self.upper


def run_window(settings: Settings, bookmark: str | None, started_at: int) -> Window:
    """The window for one incremental stream, from its bookmark (ISO string) if any."""
    # The start second itself is included: a record changed later in that same second carries
    # the same updated_at, which the next run re-reads (its lower bound is inclusive).
    now = started_at + 1
    upper = min(now, settings.end_date) if settings.end_date else now
    if settings.hours_back:
        return Window(started_at - settings.hours_back * 3600, upper)
    candidates = []
    if settings.start_date is not None:
        candidates.append(settings.start_date)
    if bookmark and settings.end_date is None:
        candidates.append(epoch(bookmark) - settings.lookback_seconds)
    return Window(max(candidates) if candidates else None, upper)


def leaves_gap(window: Window, bookmark: str | None) -> bool:
    """True when `window` starts after the bookmark (a later `start_date`, or `hours_back`):
    moving the bookmark to the end of such a window would claim the records in between, which
    this run never reads. Such a run keeps the bookmark where it was."""
    return bool(bookmark) and window.lower is not None and window.lower > epoch(str(bookmark))


def settled_until(settings: Settings, started_at: int) -> int:
    """The latest updated_at that Intercom's search surely shows at the run's start."""
    return started_at - settings.search_delay_seconds
