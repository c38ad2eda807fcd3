"""Run one command and measure it: wall time and peak resident memory.

Peak RSS comes from `wait4()`'s rusage of the child, which on Linux is the largest RSS of the child
or of any descendant it waited for (getrusage(2), ru_maxrss): exactly the process we started.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

STDERR_TAIL_LINES = 15


@dataclass(frozen=True)
class Measured:
    wall_seconds: float
    peak_rss_mb: float
    exit_code: int
    stderr_tail: str
    started_epoch: float = 0.0
    ended_epoch: float = 0.0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def run_measured(
    argv: Sequence[str],
    stdin_path: Path | None = None,
    stdout_path: Path | None = None,
    stderr_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Measured:
    """Run `argv` with stdin/stdout/stderr redirected to files; never raises on a failed run."""
    stderr_path = stderr_path or Path(os.devnull)
    with (
        open_or_null(stdin_path, "rb") as stdin,
        open_or_null(stdout_path, "wb") as stdout,
        stderr_path.open("wb") as stderr,
    ):
        started_epoch = time.time()
        started = time.perf_counter()
        try:
            process = subprocess.Popen(
                list(argv), stdin=stdin, stdout=stdout, stderr=stderr, env=env, cwd=cwd
            )
        except OSError as error:
            return Measured(0.0, 0.0, 127, f"cannot start {argv[0]}: {error.strerror}")
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        ended_epoch = time.time()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        wall_seconds=wall,
        peak_rss_mb=usage.ru_maxrss / 1024,  # ru_maxrss is in KiB on Linux
        exit_code=process.returncode,
        stderr_tail=tail(stderr_path),
        started_epoch=started_epoch,
        ended_epoch=ended_epoch,
    )


def open_or_null(path: Path | None, mode: str) -> BinaryIO:
    return (path or Path(os.devnull)).open(mode)  # type: ignore[return-value]


def tail(path: Path, lines: int = STDERR_TAIL_LINES) -> str:
    if path == Path(os.devnull) or not path.exists():
        return ""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - 8192))
        text = handle.read().decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])
