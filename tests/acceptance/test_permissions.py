"""A token without one permission gets 401 `token_unauthorized` on that endpoint
only (intercom/intercom-php#189, intercom/intercom-ruby#364, airbytehq/airbyte#64110). The stream
is skipped with one warning naming the permission; every other stream completes."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import psycopg2
import pytest

from acceptance.real_intercom import TOKEN, RealIntercom
from acceptance.tap_process import BIN, config_for, run_tap, tap_arguments

CONVERSATION_STREAMS = {
    "conversations",
    "conversation_parts",
    "conversation_tags",
    "deleted_conversations",
}
DENIALS = [
    # (path prefix denied, streams skipped, the permission the warning names)
    ("/tickets", {"tickets"}, "Read tickets"),
    ("/segments", {"segments"}, "Read and list users and companies"),  # intercom-php#189
    ("/conversations", CONVERSATION_STREAMS, "Read conversations"),
    ("/data_attributes", {"data_attributes"}, "Read and list users and companies"),
]


@pytest.mark.parametrize(("prefix", "skipped", "permission"), DENIALS)
def test_a_denied_endpoint_skips_its_streams_and_every_other_stream_completes(
    real_intercom: Callable[..., RealIntercom],
    tmp_path: Path,
    prefix: str,
    skipped: set[str],
    permission: str,
) -> None:
    fake = real_intercom()
    fake.deny(prefix)

    run = run_tap(tmp_path, config_for(fake))

    emitted = Counter(m["stream"] for m in run.messages if m["type"] == "RECORD")
    expected = {s: n for s, n in fake.workspace.record_counts().items() if s not in skipped}
    assert {s: emitted[s] for s in expected} == expected
    assert not skipped & set(emitted)
    parents = skipped - {"conversation_parts", "conversation_tags"}
    for stream in parents:
        [warning] = run.warnings(f"Stream {stream} skipped")
        assert f"“{permission}”" in warning
        assert "Developer Hub" in warning
    marker = run.final_state["sync"]
    assert marker["complete"] is True
    assert set(marker["skipped_streams"]) == skipped
    # A 401 on one endpoint is told from a bad token by asking /me.
    assert fake.count("/me") >= 1
    assert TOKEN not in run.stdout + run.stderr


def test_the_skipped_streams_bookmark_does_not_move(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    fake.deny("/tickets")
    first = run_tap(tmp_path / "denied", config_for(fake))
    assert first.bookmark("tickets") is None

    fake.denied.clear()
    second = run_tap(tmp_path / "granted", config_for(fake), first.final_state)

    assert len(second.records("tickets")) == len(fake.workspace.tickets)
    assert "skipped_streams" not in second.final_state["sync"]


def test_fail_setting_stops_the_run_naming_the_stream_and_permission(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    fake.deny("/tickets")

    run = run_tap(tmp_path, config_for(fake, on_stream_unavailable="fail"), expect_success=False)

    assert run.returncode != 0
    last_line = run.stderr.strip().splitlines()[-1]
    assert "stream tickets cannot be read" in last_line
    assert "“Read tickets”" in last_line
    assert not any(state["sync"].get("complete") for state in run.states)
    assert TOKEN not in run.stdout + run.stderr


def test_a_bad_token_fails_the_run_and_skips_nothing(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    config = {**config_for(fake), "access_token": "revoked-token-0000"}

    run = run_tap(tmp_path, config, expect_success=False)

    assert run.returncode != 0
    assert "check `access_token`" in run.stderr
    assert "skipped" not in run.stderr
    assert "revoked-token-0000" not in run.stderr + run.stdout


def test_the_connection_test_prints_what_the_token_can_read(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    fake.deny("/tickets")

    run = run_tap(tmp_path, config_for(fake), None, "--test", expect_success=False)

    assert run.returncode == 0, run.describe()
    table = _access_table(run.stderr)
    assert "missing permission: grant “Read tickets”" in table["tickets"]
    assert all(table[s].endswith("ok") for s in table if s != "tickets"), table
    assert "The token may not read: tickets" in run.stderr


def test_the_check_command_prints_the_same_table(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path
) -> None:
    fake = real_intercom()
    fake.deny("/segments")
    arguments = tap_arguments(tmp_path, config_for(fake))[1:]

    result = subprocess.run(
        [str(BIN / "tap-intercom-check"), *arguments], capture_output=True, text=True, timeout=60
    )

    output = result.stdout + result.stderr
    table = _access_table(output)
    assert "missing permission: grant “Read and list users and companies”" in table["segments"]
    assert table["tickets"].endswith("ok")
    assert "[WARN] intercom permissions" in output
    assert TOKEN not in output


def test_the_sync_log_row_names_the_skipped_stream(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path, database_url: str
) -> None:
    fake = real_intercom()
    fake.deny("/tickets")
    target_config = tmp_path / "target.json"
    target_config.write_text(json.dumps({"database_url": database_url}))
    tap = subprocess.Popen(tap_arguments(tmp_path, config_for(fake)), stdout=subprocess.PIPE)
    target = subprocess.run(
        [str(BIN / "target-supabase"), "--config", str(target_config)],
        stdin=tap.stdout,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert tap.wait(timeout=60) == 0
    assert target.returncode == 0, target.stderr[-3000:]

    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT status, skipped_streams FROM intercom_sync_logs")
        [(status, skipped)] = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM intercom_users")
        [(contacts,)] = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM intercom_messages")
        [(parts,)] = cursor.fetchall()
    assert status == "partial"
    assert set(skipped) == {"tickets"}
    assert "“Read tickets”" in skipped["tickets"]
    counts = fake.workspace.record_counts()
    assert (contacts, parts) == (counts["contacts"], counts["conversation_parts"])


def _access_table(output: str) -> dict[str, str]:
    """stream -> its access column, from the table `--test` and the check command print."""
    rows: dict[str, str] = {}
    for line in output.splitlines():
        cells = line.split()
        if line.startswith("  ") and cells and cells[0] in _STREAMS:
            rows[cells[0]] = line.strip()
    return rows


_STREAMS = {
    *CONVERSATION_STREAMS,
    "contacts",
    "companies",
    "tickets",
    "admins",
    "tags",
    "teams",
    "segments",
    "data_attributes",
}
