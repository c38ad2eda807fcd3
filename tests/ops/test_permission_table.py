"""The connection check's table of what the token can read: each selected stream's endpoint asked
once, a missing permission named with what to grant (`tap-intercom-check` and `--test`)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec

from ops.helpers import CHECK_MODULE, run_module, write_config

TOKEN = "tok-" + "p" * 20
TAP = Path(sys.executable).parent / "tap-intercom"


@pytest.fixture
def fake() -> Iterator[FakeIntercom]:
    spec = WorkspaceSpec(seed=4, conversations=3, contacts=3, companies=2, tickets=2)
    with FakeIntercom(spec, token=TOKEN, denied_resources=("tickets",)) as started:
        yield started


def check(tmp_path: Path, config: dict, *args: str) -> tuple[int, str]:
    path = write_config(tmp_path, "tap.json", config)
    done = run_module(CHECK_MODULE, "--config", str(path), *args)
    return done.returncode, done.stdout + done.stderr


def table(output: str) -> dict[str, tuple[str, str]]:
    """stream → (endpoint, access), from the table's indented rows."""
    rows = {}
    for line in output.splitlines():
        match = re.match(r"^  (\w+)\s{2,}(.+?)\s{2,}(.+)$", line)
        if match and match.group(1) != "stream":
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def test_the_check_lists_what_the_token_can_read(tmp_path: Path, fake: FakeIntercom) -> None:
    code, output = check(tmp_path, {"access_token": TOKEN, "api_url": fake.url})

    assert code == 0, output  # a sync skips tickets: a warning, not a failure
    assert "[WARN] intercom permissions: the token may not read tickets" in output
    assert "grant “Read tickets” in the Developer Hub" in output
    rows = table(output)
    assert len(rows) == 14, output  # the 12 tables and the deletion check's two id snapshots
    assert rows["tickets"] == ("POST /tickets/search", "missing permission: grant “Read tickets”")
    assert {access for stream, (_, access) in rows.items() if stream != "tickets"} == {"ok"}
    # Each endpoint once; the companies scroll is never opened (one per workspace, held a
    # minute: it would hold up the next sync).
    asked = dict(fake.stats.requests_by_path)
    assert all(count == 1 for count in asked.values()), asked
    assert "/companies/scroll" not in asked
    assert TOKEN not in output


def test_with_on_stream_unavailable_fail_a_missing_permission_fails_the_check(
    tmp_path: Path, fake: FakeIntercom
) -> None:
    config = {"access_token": TOKEN, "api_url": fake.url, "on_stream_unavailable": "fail"}
    code, output = check(tmp_path, config)

    assert code == 1
    assert "[FAIL] intercom permissions: the token may not read tickets, so a sync fails" in output


def test_a_token_that_may_read_everything_passes(tmp_path: Path) -> None:
    with FakeIntercom(WorkspaceSpec(seed=4, conversations=2), token=TOKEN) as fake:
        code, output = check(tmp_path, {"access_token": TOKEN, "api_url": fake.url})

    assert code == 0, output
    assert "[ OK ] intercom permissions: every selected stream is readable" in output


def test_only_the_catalogs_selected_streams_are_checked(tmp_path: Path, fake: FakeIntercom) -> None:
    config = {"access_token": TOKEN, "api_url": fake.url}
    catalog = selecting(tmp_path, config, {"contacts", "admins"})
    code, output = check(tmp_path, config, "--catalog", str(catalog))

    assert code == 0, output
    assert set(table(output)) == {"contacts", "admins"}
    assert "/tickets/search" not in fake.stats.requests_by_path


def test_the_taps_test_option_prints_the_table_on_stderr(
    tmp_path: Path, fake: FakeIntercom
) -> None:
    path = write_config(tmp_path, "tap.json", {"access_token": TOKEN, "api_url": fake.url})
    done = run_module("tap_intercom.tap", "--config", str(path), "--test")

    assert done.returncode == 0, done.stderr
    assert "The token may not read: tickets" in done.stderr
    assert table(done.stderr)["tickets"][1] == "missing permission: grant “Read tickets”"
    # stdout stays Singer messages only.
    assert all(json.loads(line)["type"] for line in done.stdout.splitlines())


def selecting(tmp_path: Path, config: dict, streams: set[str]) -> Path:
    path = write_config(tmp_path, "discover.json", config)
    discovered = run_module("tap_intercom.tap", "--config", str(path), "--discover")
    catalog = json.loads(discovered.stdout)
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] in streams
    return write_config(tmp_path, "catalog.json", catalog)
