"""SIGKILL the tap at seeded points, resume from the last STATE it wrote: nothing lost."""

from __future__ import annotations

import random
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from intercom_sandbox.fake import FakeIntercom
from tap_replica import Replica
from tap_truth import assert_matches_truth
from taprun import TAP, config_for, parse_messages, write_inputs

KILLED_RUNS = 4
KILL_STREAMS = ("contacts", "conversations", "conversation_parts", "tickets")


@dataclass(frozen=True)
class KillPoint:
    """SIGKILL once `lines_after` more lines follow the first record of `stream`."""

    stream: str
    lines_after: int


def run_until_killed(
    directory: Path,
    config: dict[str, Any],
    state: dict[str, Any] | None,
    kill: KillPoint | None,
    signal_number: int = signal.SIGKILL,
) -> tuple[list[dict[str, Any]], bool]:
    """The messages read before the kill, and whether the run finished without a signal."""
    args = write_inputs(directory, config, state)
    with subprocess.Popen(
        [str(TAP), *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        assert process.stdout is not None
        lines: list[str] = []
        countdown: int | None = None
        signalled = False
        for line in process.stdout:
            lines.append(line)
            if kill is not None and countdown is None and f'"stream":"{kill.stream}"' in line:
                countdown = kill.lines_after
            if countdown is not None:
                countdown -= 1
                if countdown < 0:
                    process.send_signal(signal_number)
                    signalled = True
                    if signal_number == signal.SIGKILL:
                        break
                    kill = None  # SIGTERM: read what the tap writes while it stops
        finished = process.wait() == 0 and not signalled
    return parse_messages("".join(line for line in lines if line.endswith("\n"))), finished


@pytest.mark.parametrize(
    ("seed", "signal_number"),
    [(1, signal.SIGKILL), (2, signal.SIGKILL), (4, signal.SIGTERM)],
)
def test_killed_runs_resumed_from_state_end_with_the_truth(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path, seed: int, signal_number: int
) -> None:
    fake = fake_intercom(seed=30 + seed, conversations=30, contacts=30, companies=5, tickets=5)
    config = config_for(fake, page_size=4, lookback_minutes=0)
    rng = random.Random(seed)
    kills = [KillPoint(rng.choice(KILL_STREAMS), rng.randint(0, 40)) for _ in range(KILLED_RUNS)]
    delivered: list[dict[str, Any]] = []
    state: dict[str, Any] | None = None
    killed = 0
    for run, kill in enumerate([*kills, None]):
        if run == 1:
            fake.workspace.mutate(seed=seed)
        messages, finished = run_until_killed(
            tmp_path / str(run), config, state, kill, signal_number
        )
        killed += not finished
        delivered += messages
        states = [m["value"] for m in messages if m["type"] == "STATE"]
        state = states[-1] if states else state
    assert finished
    assert state is not None
    assert state["sync"]["complete"] is True
    assert killed >= 2
    assert_matches_truth(Replica().apply(delivered), fake.truth())
