"""One worker thread running jobs in the order they were submitted.

The database's work (COPY, merge, commit) runs here while the main thread reads and encodes the
next records: the server and the Python process work at the same time. psycopg2 releases the
GIL while it waits for the server.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

Job = Callable[[], None]


class Background:
    """Runs jobs one at a time, in order; at most `depth` jobs wait to start."""

    def __init__(self, depth: int = 1) -> None:
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=depth)
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._discarding = False

    def submit(self, job: Job) -> None:
        """Queue `job`; raises the failure of an earlier job (the later ones are dropped)."""
        self._raise_failure()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="loader", daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def wait(self) -> None:
        """Return once every submitted job has run; raises the failure of one, if any."""
        if not self.in_worker():
            self._jobs.join()
            self._raise_failure()

    def stop(self) -> BaseException | None:
        """Run the jobs already queued (all of them are whole batches or checkpoints read before
        the failure; after a failed job the rest are dropped), end the thread. Returns the
        failure of a job not raised yet, if any; the next submit starts afresh. A no-op when a
        job calls it."""
        if self.in_worker():
            return None
        if self._thread is not None:
            self._jobs.join()
            self._jobs.put(None)
            self._thread.join()
            self._thread = None
            self._discarding = False
        failure, self._failure = self._failure, None
        return failure

    def in_worker(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if not self._discarding:
                    job()
            except BaseException as exc:  # raised in the main thread instead
                self._failure = exc
                self._discarding = True
            finally:
                self._jobs.task_done()
