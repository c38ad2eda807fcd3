"""The command line: the SDK's connection test and progress reporting on stderr."""

from __future__ import annotations

import os
import pty
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from intercom_sandbox.fake import FakeIntercom
from taprun import TAP, config_for, parse_messages, run_tap, write_inputs


def test_connection_test_reads_one_record_per_stream(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(seed=61, conversations=5, contacts=5, companies=2, tickets=2)

    output = run_tap(tmp_path, config_for(fake), None, "--test")

    assert output.returncode == 0
    conversations = output.records["conversations"]
    assert len(conversations) == 1
    assert {"admins", "contacts", "tags", "teams"} <= set(output.records)
    assert fake.stats.requests < 30


def test_progress_is_a_live_line_on_a_terminal_and_never_on_stdout(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(seed=62, conversations=40, contacts=5, companies=2, latency_ms=30)
    terminal, stderr_side = pty.openpty()
    shown: list[str] = []
    reader = threading.Thread(target=lambda: shown.append(_read_all(terminal)))
    with subprocess.Popen(
        [str(TAP), *write_inputs(tmp_path, config_for(fake, max_workers=2))],
        stdout=subprocess.PIPE,
        stderr=stderr_side,
        text=True,
    ) as process:
        os.close(stderr_side)
        reader.start()  # drains the terminal while the tap runs
        stdout, _ = process.communicate(timeout=120)
    reader.join(timeout=10)

    assert process.returncode == 0
    assert "\rconversations " in shown[0]
    assert "/40, records " in shown[0]
    assert "requests " in shown[0]
    assert all(m["type"] in {"SCHEMA", "RECORD", "STATE"} for m in parse_messages(stdout))


def _read_all(descriptor: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks).decode(errors="replace")
