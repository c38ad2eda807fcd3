"""Run `tap-intercom | target-supabase` as two real processes, joined as a shell pipe joins them.

The bytes pass through a relay in this process so that a scenario can act at a seeded point of the
stream (SIGKILL a process, restart PostgreSQL, change the fake workspace) and so that the tap's
output is kept for the checkpoint checks. The target's stdout lines are the STATE values it
confirmed; the last complete one is what Meltano would store.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from e2e.memory import PeakMemoryWatcher

BIN_DIR = Path(sys.executable).parent
CHUNK_BYTES = 4096


@dataclass(frozen=True)
class PipeEvent:
    """`action(pipe)` runs once `after_bytes` bytes of the tap's output have been relayed."""

    after_bytes: int
    action: Callable[[RunningPipe], None]
    label: str = ""


@dataclass
class RunResult:
    tap_returncode: int | None
    target_returncode: int | None
    tap_stderr: str
    target_stderr: str
    states: list[dict[str, Any]]
    bytes_relayed: int
    tap_output: Path
    tap_peak_rss_kb: int = 0
    target_peak_rss_kb: int = 0
    events_fired: list[str] = field(default_factory=list)

    @property
    def last_state(self) -> dict[str, Any] | None:
        return self.states[-1] if self.states else None

    @property
    def succeeded(self) -> bool:
        return self.tap_returncode == 0 and self.target_returncode == 0

    def describe(self) -> str:
        return (
            f"tap exit {self.tap_returncode}, target exit {self.target_returncode}, "
            f"{self.bytes_relayed} bytes relayed, events {self.events_fired}\n"
            f"--- tap stderr (tail) ---\n{_tail(self.tap_stderr)}\n"
            f"--- target stderr (tail) ---\n{_tail(self.target_stderr)}"
        )


def _tail(log: str, lines: int = 25) -> str:
    """The end of a log without the SDK's metric lines, which drown the error."""
    kept = [line for line in log.splitlines() if "METRIC:" not in line]
    return "\n".join(kept[-lines:])


class RunningPipe:
    """The two processes of one run, with the relay between them."""

    def __init__(self, tap: subprocess.Popen[bytes], target: subprocess.Popen[bytes]) -> None:
        self.tap = tap
        self.target = target
        self.target_gone = False

    def kill_tap(self) -> None:
        _sigkill(self.tap)

    def kill_target(self) -> None:
        _sigkill(self.target)

    def kill_both(self) -> None:
        _sigkill(self.tap)
        _sigkill(self.target)


def _sigkill(process: subprocess.Popen[bytes]) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)


def tap_command(config: Path, state: Path | None = None) -> list[str]:
    command = [str(BIN_DIR / "tap-intercom"), "--config", str(config)]
    return command + (["--state", str(state)] if state is not None else [])


def target_command(config: Path) -> list[str]:
    return [str(BIN_DIR / "target-supabase"), "--config", str(config)]


def run_pipeline(
    workdir: Path,
    tap_args: list[str],
    target_args: list[str],
    events: Sequence[PipeEvent] = (),
    timeout_seconds: float = 300,
    env: dict[str, str] | None = None,
) -> RunResult:
    """Run `tap_args | target_args` once; return when both processes have exited."""
    workdir.mkdir(parents=True, exist_ok=True)
    tap_err_path, target_err_path = workdir / "tap.stderr", workdir / "target.stderr"
    output_path = workdir / "tap.stdout"
    with tap_err_path.open("wb") as tap_err, target_err_path.open("wb") as target_err:
        tap = subprocess.Popen(tap_args, stdout=subprocess.PIPE, stderr=tap_err, env=env)
        target = subprocess.Popen(
            target_args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=target_err,
            env=env,
        )
    watchers = PeakMemoryWatcher(tap.pid), PeakMemoryWatcher(target.pid)
    pipe = RunningPipe(tap, target)
    states: list[dict[str, Any]] = []
    reader = threading.Thread(target=_collect_states, args=(target.stdout, states), daemon=True)
    reader.start()
    watchdog = threading.Timer(timeout_seconds, pipe.kill_both)
    watchdog.start()
    try:
        with output_path.open("wb") as copy:
            relayed, fired = _relay(pipe, sorted(events, key=lambda e: e.after_bytes), copy)
        target.wait()
        tap.wait()
        reader.join(timeout=30)
    finally:
        watchdog.cancel()
        pipe.kill_both()
    return RunResult(
        tap_returncode=tap.returncode,
        target_returncode=target.returncode,
        tap_stderr=tap_err_path.read_text(errors="replace"),
        target_stderr=target_err_path.read_text(errors="replace"),
        states=states,
        bytes_relayed=relayed,
        tap_output=output_path,
        tap_peak_rss_kb=watchers[0].stop(),
        target_peak_rss_kb=watchers[1].stop(),
        events_fired=fired,
    )


def _relay(pipe: RunningPipe, events: list[PipeEvent], copy: IO[bytes]) -> tuple[int, list[str]]:
    """Copy the tap's stdout to the target's stdin, firing events at their byte offsets."""
    assert pipe.tap.stdout is not None
    assert pipe.target.stdin is not None
    source, sink = pipe.tap.stdout.fileno(), pipe.target.stdin
    relayed, fired = 0, []
    while chunk := os.read(source, CHUNK_BYTES):
        copy.write(chunk)
        while events and events[0].after_bytes <= relayed + len(chunk):
            event = events.pop(0)
            head = max(event.after_bytes - relayed, 0)
            _forward(pipe, sink, chunk[:head])
            relayed, chunk = relayed + head, chunk[head:]
            event.action(pipe)
            fired.append(event.label or f"event at {event.after_bytes} bytes")
        _forward(pipe, sink, chunk)
        relayed += len(chunk)
        if pipe.target_gone:
            break
    # A reader that stops reading makes the tap's next write fail with EPIPE, as in a shell pipe.
    pipe.tap.stdout.close()
    _close_quietly(sink)
    return relayed, fired


def _forward(pipe: RunningPipe, sink: IO[bytes], data: bytes) -> None:
    if pipe.target_gone or not data:
        return
    try:
        sink.write(data)
        sink.flush()
    except (BrokenPipeError, ValueError, OSError):
        pipe.target_gone = True


def _close_quietly(stream: IO[bytes]) -> None:
    with contextlib.suppress(BrokenPipeError, OSError):
        stream.close()


def _collect_states(stream: IO[bytes] | None, states: list[dict[str, Any]]) -> None:
    """Keep every complete JSON line the target prints: Singer targets print only STATE values."""
    assert stream is not None
    for raw in stream:
        if not raw.endswith(b"\n"):
            break  # cut off by a kill: Meltano would not store it either
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        if isinstance(value, dict):
            states.append(value)
