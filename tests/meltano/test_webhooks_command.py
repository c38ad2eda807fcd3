"""docs/webhooks.md's receiver command, run as shown, answers a signed ping, refuses a forgery.

`meltano --environment=prod invoke target-supabase:webhooks` serves until stopped, so it is run
here in the background rather than by tests/meltano/test_readme_commands.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from meltano.project import MeltanoProject, clean_environment

pytestmark = pytest.mark.slow

SECRET = "webhook-client-secret"
# The port the meltano.yml command listens on (intercom-webhooks' default).
URL = "http://127.0.0.1:8787/webhooks/intercom"
PING = {"type": "notification_event", "topic": "ping", "id": "notif_ping_1", "data": {"item": {}}}


def _post(body: bytes, signature: str) -> int:
    request = urllib.request.Request(
        URL,
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature": signature},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def _wait_until_listening(receiver: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert receiver.poll() is None, "the receiver exited before listening"
        try:
            _post(b"{}", "sha1=0")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail("the receiver did not listen on 127.0.0.1:8787")


def test_the_readme_webhooks_command_answers_a_signed_ping(
    meltano_project: MeltanoProject, database_url: str, tmp_path: Path
) -> None:
    env = clean_environment() | {
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
        "SUPABASE_DB_URL": database_url,
        "INTERCOM_CLIENT_SECRET": SECRET,
        "INTERCOM_ACCESS_TOKEN": "receiver-test-token",
    }
    log = (tmp_path / "receiver.log").open("w")
    receiver = subprocess.Popen(
        [meltano_project.executable, "--environment=prod", "invoke", "target-supabase:webhooks"],
        cwd=meltano_project.root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_until_listening(receiver, seconds=90)
        body = json.dumps(PING).encode()
        signed = "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()

        assert _post(body, signed) == 200
        assert _post(body, "sha1=" + "0" * 40) == 401
    finally:
        os.killpg(receiver.pid, signal.SIGTERM)
        receiver.wait(timeout=30)
        log.close()
    assert SECRET not in (tmp_path / "receiver.log").read_text()
