"""Peak memory of a child process, measured from outside while it runs.

Not `ru_maxrss` from wait4: on Linux a child's ru_maxrss includes the RSS its parent had when it
forked (exec folds the old address space's high-water mark into it), so a child of a big pytest
process would report pytest's memory. VmHWM in /proc/<pid>/status is the high-water mark of the
child's own address space after exec.
"""

from __future__ import annotations

import threading
from pathlib import Path

POLL_SECONDS = 0.05


class PeakMemoryWatcher:
    """Polls a process's VmHWM until the process is gone; `peak_kb` is the highest seen."""

    def __init__(self, pid: int) -> None:
        self._status = Path(f"/proc/{pid}/status")
        self._stopped = threading.Event()
        self.peak_kb = 0
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._stopped.set()
        self._thread.join(timeout=5)
        return self.peak_kb

    def _watch(self) -> None:
        while not self._stopped.is_set():
            high_water = read_vm_hwm_kb(self._status)
            if high_water is None:
                return  # exited: a zombie has no address space left
            self.peak_kb = max(self.peak_kb, high_water)
            self._stopped.wait(POLL_SECONDS)


def read_vm_hwm_kb(status: Path) -> int | None:
    try:
        text = status.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None
