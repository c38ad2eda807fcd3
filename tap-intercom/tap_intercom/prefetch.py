"""Run an iterator ahead of its consumer on a thread of its own, a bounded number of items ahead.

The search pages that list what to fetch are walked one after another (each page's query starts
from the last one's highest updated_at, or its cursor), so walking them on the thread that also
writes records would leave that thread idle for a whole round trip per page, and the workers
idle while it writes. Here the walk goes on while records are written.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

_PUT_WAIT_SECONDS = 0.1  # how often a blocked producer checks whether the consumer went away


@dataclass(frozen=True)
class _Failed:
    error: BaseException


class _End:
    pass


class _Producer(Generic[T]):
    def __init__(self, items: Iterable[T], ahead: int) -> None:
        self.queue: queue.Queue[T | _Failed | _End] = queue.Queue(maxsize=ahead)
        self.stopped = threading.Event()
        self._items = items
        self.thread = threading.Thread(target=self._run, name="intercom-pages", daemon=True)

    def _run(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    return
        except BaseException as error:  # handed to the consumer, raised there in order
            self._put(_Failed(error))
            return
        self._put(_End())

    def _put(self, entry: T | _Failed | _End) -> bool:
        while not self.stopped.is_set():
            try:
                self.queue.put(entry, timeout=_PUT_WAIT_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def start(self) -> _Producer[T]:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()

    def entries(self) -> Iterator[T]:
        while True:
            entry = self.queue.get()
            if isinstance(entry, _End):
                return
            if isinstance(entry, _Failed):
                raise entry.error
            yield entry


def prefetched(items: Iterable[T], ahead: int) -> Iterator[T]:
    """The same items in the same order; up to `ahead` of them produced before they are asked
    for. An exception raised by `items` is raised here, after the items before it."""
    return chained_ahead([items], ahead)


def chained_ahead(walks: Sequence[Iterable[T]], ahead: int) -> Iterator[T]:
    """The items of every walk, walk after walk; all walks start at once, each on its own
    thread and at most `ahead` items ahead of the consumer."""
    producers = [_Producer(walk, ahead).start() for walk in walks]
    try:
        for producer in producers:
            yield from producer.entries()
    finally:
        for producer in producers:
            producer.stop()
