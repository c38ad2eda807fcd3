"""Running a function at the bottom of a new thread's stack.

Python counts recursion per thread. A record that the reader decoded close to the recursion
limit (msgspec counts one level per nesting level) may fail to encode a few frames deeper, in
the sink: run again on a fresh stack, it has the headroom the reader had, and more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def on_fresh_stack(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a new thread; its exception, if any, is raised here."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(function(*args))
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=run, name="fresh-stack")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]
