"""`intercom-sandbox fake` serves the fake in the foreground and prints its URL."""

from __future__ import annotations

import subprocess
import sys

import requests


def test_the_fake_subcommand_serves_until_terminated() -> None:
    command = [sys.executable, "-m", "intercom_sandbox.cli", "fake", "--port", "0",
               "--conversations", "5", "--contacts", "5", "--token", "cli-secret-token",
               "--rate-limit-per-10s", "20"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        headers = {"Authorization": "Bearer cli-secret-token"}
        response = requests.get(f"{url}/conversations", headers=headers, timeout=10)
        assert response.json()["total_count"] == 5
        assert response.headers["X-RateLimit-Limit"] == "20"
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "cli-secret-token" not in stdout + stderr
