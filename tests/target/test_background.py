"""The loader's worker thread: jobs in order, failures surfaced, nothing run after a failure."""

from __future__ import annotations

import threading

import pytest
from target_supabase.db.background import Background


def test_jobs_run_in_order_off_the_main_thread() -> None:
    background = Background()
    ran: list[tuple[int, bool]] = []
    for number in range(5):
        background.submit(
            lambda n=number: ran.append((n, threading.current_thread() is threading.main_thread()))
        )
    background.wait()
    assert ran == [(n, False) for n in range(5)]
    assert background.stop() is None


def test_a_failed_job_is_raised_in_the_caller_and_later_jobs_never_run() -> None:
    background = Background()
    release = threading.Event()
    ran: list[str] = []

    def fail() -> None:
        release.wait(5)
        raise RuntimeError("COPY failed")

    background.submit(fail)
    background.submit(lambda: ran.append("queued after the failure"))
    release.set()
    with pytest.raises(RuntimeError, match="COPY failed"):
        background.wait()
    with pytest.raises(RuntimeError, match="COPY failed"):
        background.submit(lambda: ran.append("submitted after the failure"))
    assert ran == []


def test_stop_finishes_the_queued_jobs_and_returns_a_failure_not_yet_raised() -> None:
    background = Background()
    ran: list[int] = []
    background.submit(lambda: ran.append(1))
    background.submit(lambda: ran.append(2))
    assert background.stop() is None
    assert ran == [1, 2]

    background.submit(lambda: (_ for _ in ()).throw(ValueError("bad batch")))
    failure = background.stop()
    assert isinstance(failure, ValueError)
    # A stopped worker starts afresh on the next job.
    background.submit(lambda: ran.append(3))
    background.wait()
    assert ran == [1, 2, 3]


def test_wait_from_inside_a_job_does_not_deadlock() -> None:
    background = Background()
    ran: list[str] = []

    def job() -> None:
        background.wait()
        ran.append("done")

    background.submit(job)
    background.wait()
    assert ran == ["done"]
