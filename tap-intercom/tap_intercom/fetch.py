"""Fetch many things in parallel, hand the results back in the order they were asked for.

How many fetches run at once is the shared gate's business (gate.py: the adaptive limit); how
many results may wait here, done or not, is bounded whatever that limit is, so memory stays
bounded and records come out in input order, ready for page checkpoints.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from tap_intercom.gate import InFlightGate
from tap_intercom.prefetch import prefetched

Item = TypeVar("Item")
Result = TypeVar("Result")

# Results that may wait beyond those in flight (a slow one at the head holds the rest back).
MAX_LOOKAHEAD = 64
_WAIT_SECONDS = 0.05  # re-check at least this often while waiting for the gate or the head
# Items listed ahead of the fetches: two search pages of 150 (settings.MAX_PAGE_SIZE).
ITEMS_AHEAD = 300


def lookahead_window(limit: int, waiting: int = MAX_LOOKAHEAD) -> int:
    """Fetches that may be in flight or done-but-waiting at once when `limit` may be in flight."""
    return limit + waiting


def ordered_map(
    fetch: Callable[[Item], Result],
    items: Iterable[Item],
    gate: InFlightGate,
    waiting: int = MAX_LOOKAHEAD,
    needs_request: Callable[[Item], bool] | None = None,
) -> Iterator[tuple[Item, Result]]:
    """(item, fetch(item)) in input order, at most `gate.limit` fetches at once (shared).

    Items for which `needs_request` says False are fetched on the caller's thread without a
    gate slot (their fetch makes no request), so they never wait behind slow ones for a slot.

    At most `waiting` results beyond those in flight are held: more for small results whose
    fetches vary a lot in length (a contact with many companies behind a dozen without).

    `items` is walked on a thread of its own, at most ITEMS_AHEAD ahead (prefetch.py), so it
    may itself make requests (the next search page) while workers fetch details and the caller
    writes records. A failed fetch, or a failure of `items`, raises here, in order.
    """
    pool = ThreadPoolExecutor(max_workers=gate.maximum, thread_name_prefix="intercom-fetch")
    pending: deque[tuple[Item, Future[Result]]] = deque()
    try:
        for item in prefetched(items, ITEMS_AHEAD):
            quick = needs_request is not None and not needs_request(item)
            while not _room(pending, gate, waiting, quick):
                if pending and pending[0][1].done():
                    yield _next_result(pending)
                else:
                    gate.wait(_WAIT_SECONDS)
            if quick:
                pending.append((item, _done(fetch, item)))
            else:
                pending.append((item, pool.submit(_released_after, gate, fetch, item)))
            while pending and pending[0][1].done():
                yield _next_result(pending)
        while pending:
            yield _next_result(pending)
    finally:
        for _, future in pending:
            if future.cancel():  # never started: its gate slot is still taken
                gate.release()
        pool.shutdown(wait=True)


def _room(
    pending: deque[tuple[Item, Future[Result]]], gate: InFlightGate, waiting: int, quick: bool
) -> bool:
    """True (with a gate slot taken, unless `quick`) when one more fetch may start."""
    if len(pending) >= lookahead_window(gate.limit, waiting):
        return False
    return quick or gate.try_acquire()


def _done(fetch: Callable[[Item], Result], item: Item) -> Future[Result]:
    done: Future[Result] = Future()
    try:
        done.set_result(fetch(item))
    except Exception as error:  # raised in order, like a worker's
        done.set_exception(error)
    return done


def _released_after(gate: InFlightGate, fetch: Callable[[Item], Result], item: Item) -> Result:
    try:
        return fetch(item)
    finally:
        gate.release()


def _next_result(pending: deque[tuple[Item, Future[Result]]]) -> tuple[Item, Result]:
    item, future = pending.popleft()
    return item, future.result()
