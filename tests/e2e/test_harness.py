"""The pipe harness itself, with two stand-in processes: kills land where they are asked to, the
confirmed states are the target's complete stdout lines, and both exit codes are reported."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from e2e.pipeline import PipeEvent, RunningPipe, run_pipeline

# A tap writing far more than a pipe buffer, so that it is still writing when it is killed.
STAND_IN_TAP = """
import json, sys
for n in range(1, 40001):
    sys.stdout.write(json.dumps({"type": "RECORD", "stream": "s", "record": {"n": n}}) + "\\n")
    if n % 1000 == 0:
        sys.stdout.write(json.dumps({"type": "STATE", "value": {"n": n}}) + "\\n")
"""
STAND_IN_TARGET = """
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message["type"] == "STATE":
        print(json.dumps(message["value"]), flush=True)
"""


def run_stand_ins(tmp_path: Path, *events: PipeEvent):
    tap = [sys.executable, "-c", STAND_IN_TAP]
    target = [sys.executable, "-c", STAND_IN_TARGET]
    return run_pipeline(tmp_path, tap, target, events=events, timeout_seconds=60)


def test_a_clean_run_relays_everything_and_keeps_every_state(tmp_path: Path) -> None:
    result = run_stand_ins(tmp_path)
    assert result.succeeded, result.describe()
    assert result.last_state == {"n": 40000}
    assert len(result.states) == 40
    assert result.bytes_relayed == result.tap_output.stat().st_size > 1_000_000
    assert result.tap_peak_rss_kb > 0
    assert result.target_peak_rss_kb > 0


def test_killing_the_tap_ends_the_target_input_at_that_point(tmp_path: Path) -> None:
    result = run_stand_ins(tmp_path, PipeEvent(300_000, RunningPipe.kill_tap, "kill tap"))
    assert result.tap_returncode == -signal.SIGKILL
    assert result.target_returncode == 0, result.describe()
    assert result.events_fired == ["kill tap"]
    assert result.last_state is not None
    # Whatever the tap wrote before dying still reaches the target, as in a shell pipe.
    assert 300_000 <= result.bytes_relayed < result.tap_output.stat().st_size + 1
    assert result.last_state["n"] < 40000


def test_killing_the_target_makes_the_tap_fail_on_its_next_write(tmp_path: Path) -> None:
    result = run_stand_ins(tmp_path, PipeEvent(200_000, RunningPipe.kill_target, "kill target"))
    assert result.target_returncode == -signal.SIGKILL
    assert result.tap_returncode not in (0, None), result.describe()
    assert result.bytes_relayed < 1_000_000
    assert result.last_state is not None
    assert result.last_state["n"] < 40000


def test_an_event_can_pause_the_stream_to_act_and_then_let_it_finish(tmp_path: Path) -> None:
    seen: list[int] = []
    result = run_stand_ins(tmp_path, PipeEvent(50_000, lambda pipe: seen.append(1), "pause"))
    assert result.succeeded, result.describe()
    assert seen == [1]
    assert result.last_state == {"n": 40000}
