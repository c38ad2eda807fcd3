"""Run one command and measure it: wall time and peak resident memory.

Peak RSS is GNU time's `%M` (the child's ru_maxrss). It is not read from our own `wait4()`:
Linux carries the high-water RSS of the memory a process had before `exec` into its maxrss, and
Python starts children with vfork, i.e. with the harness's own memory (which holds a whole fake
workspace), so every child would report at least the harness's size. `/usr/bin/time` is small,
so the child it forks starts small.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

STDERR_TAIL_LINES = 15
GNU_TIME = Path("/usr/bin/time")


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
    if not shutil.which(argv[0]):
        return Measured(0.0, 0.0, 127, f"cannot start {argv[0]}: no such program")
    if not GNU_TIME.exists():
        msg = f"{GNU_TIME} (Debian package 'time') is needed to measure peak memory"
        raise RuntimeError(msg)
    with (
        tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file,
        open_or_null(stdin_path, "rb") as stdin,
        open_or_null(stdout_path, "wb") as stdout,
        stderr_path.open("wb") as stderr,
    ):
        command = [str(GNU_TIME), "-f", "%M", "-o", rss_file.name, *argv]
        started_epoch = time.time()
        started = time.perf_counter()
        exit_code = subprocess.call(
            command, stdin=stdin, stdout=stdout, stderr=stderr, env=env, cwd=cwd
        )
        wall = time.perf_counter() - started
        ended_epoch = time.time()
        peak_kib = read_peak_kib(Path(rss_file.name))
    return Measured(
        wall_seconds=wall,
        peak_rss_mb=peak_kib / 1024,
        exit_code=exit_code,
        stderr_tail=tail(stderr_path),
        started_epoch=started_epoch,
        ended_epoch=ended_epoch,
    )


def read_peak_kib(path: Path) -> int:
    """GNU time's last line is %M in KiB (a failed command adds a line before it)."""
    lines = path.read_text().split()
    return int(lines[-1]) if lines and lines[-1].isdigit() else 0


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
