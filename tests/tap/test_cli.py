"""The command line: the SDK's connection test and progress reporting on stderr."""

from __future__ import annotations

import io
import logging
import os
import pty
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom
from tap_intercom.progress import Progress
from tap_intercom.ratelimit import BudgetStats
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
    singer = {"SCHEMA", "RECORD", "STATE", "ACTIVATE_VERSION"}
    assert all(m["type"] in singer for m in parse_messages(stdout))


def test_progress_off_a_terminal_is_a_log_line_every_30_seconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    stderr = io.StringIO()  # not a terminal
    progress = Progress(BudgetStats(requests=12, throttled=1), stream=stderr, clock=lambda: now[0])
    progress.conversations_total = 10
    caplog.set_level(logging.INFO, logger="tap-intercom")

    for second in (1.0, 29.0, 31.0, 45.0, 62.0):
        now[0] = second
        progress.conversation_done()
        progress.record_emitted()

    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Progress:")]
    assert lines == [
        "Progress: conversations 3/10, records 3 (0/s), requests 12 (0.4/s), "
        "rate-limit waits 0, 429s 1",
        "Progress: conversations 5/10, records 5 (0/s), requests 12 (0.2/s), "
        "rate-limit waits 0, 429s 1",
    ]
    assert stderr.getvalue() == ""  # no live line off a terminal


def test_a_piped_run_ends_with_a_summary_line(
    fake_intercom: Callable[..., FakeIntercom], tmp_path: Path
) -> None:
    fake = fake_intercom(seed=63, conversations=12, contacts=3, companies=1)

    output = run_tap(tmp_path, config_for(fake))

    assert output.returncode == 0
    assert "Finished: conversations 12/12, records " in output.stderr
    assert "\r" not in output.stderr


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


def test_config_env_reads_number_settings(fake_intercom, tmp_path) -> None:
    # The SDK leaves `number` settings from the environment as strings; Meltano and the README's
    # `--config ENV` set them that way (TAP_INTERCOM_REQUEST_TIMEOUT=30).
    fake = fake_intercom(seed=3, conversations=2)
    env = {
        **os.environ,
        "TAP_INTERCOM_ACCESS_TOKEN": fake.token,
        "TAP_INTERCOM_API_URL": fake.url,
        "TAP_INTERCOM_REQUEST_TIMEOUT": "30",
        "TAP_INTERCOM_MAX_WORKERS": "2",
    }
    done = subprocess.run(
        [str(TAP), "--config", "ENV"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    conversations = [m for m in parse_messages(done.stdout) if m.get("stream") == "conversations"]
    assert len([m for m in conversations if m["type"] == "RECORD"]) == 2
