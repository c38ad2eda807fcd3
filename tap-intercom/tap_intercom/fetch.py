"""Fetch many things in parallel, hand the results back in the order they were asked for."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Items submitted ahead of the one being handed back, per worker: enough to keep every worker
# busy while the caller writes records, small enough to keep memory bounded.
_LOOKAHEAD_PER_WORKER = 4


def ordered_map(
    fetch: Callable[[Item], Result], items: Iterable[Item], workers: int
) -> Iterator[tuple[Item, Result]]:
    """(item, fetch(item)) in input order; at most `workers * 4` fetches run or wait at once.

    `items` is consumed lazily on the caller's thread, so it may itself make requests (the next
    search page) while workers fetch details. A failed fetch raises here, in order.
    """
    window = workers * _LOOKAHEAD_PER_WORKER
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="intercom-fetch")
    pending: deque[tuple[Item, Future[Result]]] = deque()
    try:
        for item in items:
            pending.append((item, pool.submit(fetch, item)))
            if len(pending) >= window:
                yield _next_result(pending)
        while pending:
            yield _next_result(pending)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _next_result(pending: deque[tuple[Item, Future[Result]]]) -> tuple[Item, Result]:
    item, future = pending.popleft()
    return item, future.result()
