"""A bad day for the real service, against this suite's own fake: tickets denied to the token (401
token_unauthorized), an incident in the middle of conversations (every request 502/503/504), and
a companies scroll page lost (500 "Please restart the scroll operation"), in one run through the
target into PostgreSQL. Exit status 0, every other table exact, a warning for each, no traceback,
and a sync-log row that says `partial` and names tickets."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg2

from acceptance.incidents import DETAILS, OUTAGE_SECONDS, Outage
from acceptance.real_intercom import TOKEN, RealIntercom
from acceptance.scroll import PAGE_SIZE
from acceptance.tap_process import BIN, config_for, tap_arguments

TABLES = {  # table -> stream (the target's default names for two of them)
    "intercom_users": "contacts",
    "intercom_messages": "conversation_parts",
    "intercom_conversations": "conversations",
    "intercom_companies": "companies",
    "intercom_admins": "admins",
    "intercom_tickets": "tickets",
}


def test_denied_tickets_an_outage_and_a_lost_scroll_page_end_well(
    real_intercom: Callable[..., RealIntercom], tmp_path: Path, database_url: str
) -> None:
    fake = real_intercom(companies=PAGE_SIZE + 10)
    fake.deny("/tickets")
    fake.plan_outage(Outage(after=2, seconds=OUTAGE_SECONDS, path_prefix=DETAILS))
    fake.scroll.fail_pages_once.add(2)
    target_config = tmp_path / "target.json"
    target_config.write_text(json.dumps({"database_url": database_url}))
    tap_log = tmp_path / "tap.log"

    with tap_log.open("w") as tap_stderr:
        tap = subprocess.Popen(
            tap_arguments(tmp_path, config_for(fake)),
            stdout=subprocess.PIPE,
            stderr=tap_stderr,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        target = subprocess.run(
            [str(BIN / "target-supabase"), "--config", str(target_config)],
            stdin=tap.stdout,
            capture_output=True,
            text=True,
            timeout=240,
        )
        tap_status = tap.wait(timeout=60)
    log = tap_log.read_text()

    assert (tap_status, target.returncode) == (0, 0), log[-3000:] + target.stderr[-3000:]
    assert "Traceback" not in log + target.stderr
    assert fake.incidents.failed > 0
    assert fake.scroll.restarted == 1
    assert len(_lines(log, "Stream tickets skipped")) == 1
    assert len(_lines(log, "Intercom is unavailable")) == 1
    assert len(_lines(log, "Companies scroll lost")) == 1
    assert TOKEN not in log + target.stderr
    counts = fake.workspace.record_counts()
    expected = {table: counts[stream] for table, stream in TABLES.items()} | {"intercom_tickets": 0}
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        rows = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # our own names
            [(rows[table],)] = cursor.fetchall()
        cursor.execute("SELECT status, skipped_streams FROM intercom_sync_logs")
        [(status, skipped)] = cursor.fetchall()
    assert rows == expected
    assert status == "partial"
    assert set(skipped) == {"tickets"}


def _lines(log: str, text: str) -> list[str]:
    return [line for line in log.splitlines() if text in line]
