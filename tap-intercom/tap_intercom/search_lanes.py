"""Walk a long search as a few lanes at once: consecutive slices of its window.

A search walk is sequential: each page's query starts from the previous page's highest
updated_at (or its cursor), and a page holds at most 150 records (`per_page` maximum, pagination
docs). At 1 s per search request one walk lists at most ~150 conversations a second, below the
~167 detail requests a second a 10,000/min app may make; at 500 ms, 100,000 contacts take
~6 minutes of page after page. So when the first page reports many matches, the
window is cut into LANES equal slices of time, each walked by its own keyset walk on its own
thread, and their records are handed on slice after slice: still in updated_at order, so page
checkpoints and bookmarks mean what they meant. Each lane runs at most LANE_AHEAD refs ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from tap_intercom.prefetch import chained_ahead
from tap_intercom.search import SearchPage
from tap_intercom.timestamps import to_seconds
from tap_intercom.windows import Window

Ref = TypeVar("Ref")

LANES = 8
LANES_FROM = 1_000  # matches in the window; below it one walk is soon done
LANE_AHEAD = 5_000  # refs (a few hundred bytes each) a lane may list before they are needed


Walk = Callable[[Window], Iterator[SearchPage]]  # the search of one window, page by page
ToRefs = Callable[[Window, SearchPage], Iterable[Ref]]  # a page's refs, given its lane's window


def laned_refs(
    walk: Walk,
    window: Window,
    to_refs: ToRefs[Ref],
    on_total: Callable[[int | None], None] = lambda total: None,
) -> Iterator[Ref]:
    """`to_refs` of every page of the window's search, in updated_at order; `on_total` is told
    the first page's total_count (the whole window's)."""
    pages = walk(window)
    first = next(pages, None)
    if first is None:
        return
    on_total(first.total_count)
    if (first.total_count or 0) < LANES_FROM or not first.items:  # one walk; the lanes' else
        yield from to_refs(window, first)
        for page in pages:
            yield from to_refs(window, page)
        return
    lanes = [_lane(walk, part, to_refs) for part in split(window, first)]
    yield from chained_ahead(lanes, LANE_AHEAD)


def split(window: Window, first: SearchPage) -> list[Window]:
    """LANES consecutive slices of the window, from its lower bound (or the earliest match)."""
    start = window.lower
    if start is None:
        start = min(int(to_seconds(item["updated_at"])) for item in first.items)
    bounds = [start + (window.upper - start) * lane // LANES for lane in range(LANES + 1)]
    lowers = [window.lower, *bounds[1:-1]]
    return [
        Window(lower, upper)
        for lower, upper in zip(lowers, bounds[1:], strict=True)
        if lower is None or lower < upper
    ]


def _lane(walk: Walk, window: Window, to_refs: ToRefs[Ref]) -> Iterator[Ref]:
    for page in walk(window):
        yield from to_refs(window, page)
