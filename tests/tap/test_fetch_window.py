"""ordered_map: results in input order, no more in flight than the shared gate allows, and a
bounded number of results held back behind a slow one, whatever the limit."""

from __future__ import annotations

import threading
import time

from tap_intercom.concurrency import AdaptiveConcurrency
from tap_intercom.fetch import MAX_LOOKAHEAD, lookahead_window, ordered_map
from tap_intercom.gate import InFlightGate


def _gate(maximum: int, limit: int) -> InFlightGate:
    controller = AdaptiveConcurrency(maximum, report=lambda _: None)
    controller._limit = limit  # as if it had chosen this limit
    return InFlightGate(controller)


class Recorder:
    """A fetch that notes how many run at once; item 0 waits until released."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.most_running = 0
        self.started: list[int] = []
        self.release_first = threading.Event()

    def __call__(self, item: int) -> int:
        with self.lock:
            self.started.append(item)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        if item == 0:
            self.release_first.wait(10)
        else:
            time.sleep(0.001)
        with self.lock:
            self.running -= 1
        return item * 10


def test_results_come_in_input_order_with_at_most_the_limit_in_flight() -> None:
    fetch = Recorder()
    fetch.release_first.set()

    results = list(ordered_map(fetch, range(300), _gate(maximum=64, limit=7)))

    assert results == [(i, i * 10) for i in range(300)]
    assert fetch.most_running <= 7


def test_a_slow_head_holds_back_a_bounded_number_of_results() -> None:
    fetch = Recorder()
    gate = _gate(maximum=256, limit=200)
    mapped = ordered_map(fetch, range(2_000), gate)
    consumer = threading.Thread(target=lambda: list(mapped))
    consumer.start()
    time.sleep(0.5)  # every fetch but the first finishes; the consumer waits for item 0
    with fetch.lock:
        started_while_blocked = len(fetch.started)
    fetch.release_first.set()
    consumer.join(10)

    assert started_while_blocked == lookahead_window(200) == 200 + MAX_LOOKAHEAD
    assert gate.in_flight == 0


def test_a_failed_fetch_raises_in_order_and_frees_its_slots() -> None:
    gate = _gate(maximum=8, limit=4)

    def fetch(item: int) -> int:
        if item == 5:
            msg = "boom"
            raise RuntimeError(msg)
        return item

    seen = []
    try:
        for item, _ in ordered_map(fetch, range(100), gate):
            seen.append(item)
    except RuntimeError:
        pass

    assert seen == [0, 1, 2, 3, 4]
    assert gate.in_flight == 0
