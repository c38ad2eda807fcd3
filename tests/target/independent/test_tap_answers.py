"""tap-intercom | target-supabase against a server that answers badly: an empty object for a
list (`{}`), an error body quoting the Authorization header back. A tiny local HTTP server
stands in for Intercom (never the internet)."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from target.support import TARGET_BIN, as_lines, fetch, schema_message

from .kit import last_log, ok, run

TAP_BIN = TARGET_BIN.parent / "tap-intercom"
TOKEN = "tok-SECRET-7f3a9"


class _Answers(http.server.BaseHTTPRequestHandler):
    mode = "empty"

    def _answer(self) -> None:
        if self.mode == "echo":
            echoed = self.headers.get("Authorization", "")
            body: dict[str, Any] = {
                "type": "error.list",
                "errors": [{"code": "parameter_invalid", "message": f"bad header {echoed}"}],
            }
            status = 400
        else:
            body, status = {}, 200  # a list answer without its list
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer  # noqa: N815 (http.server's names)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def bad_intercom(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("Answers", (_Answers,), {"mode": request.param})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _tap(api_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "tap.json"
    settings = {"access_token": TOKEN, "api_url": api_url, "outage_retry_minutes": 0.05}
    config.write_text(json.dumps(settings))
    return subprocess.run(
        [str(TAP_BIN), "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _seed_admins(config: dict[str, Any], tmp_path: Path) -> None:
    schema = schema_message("admins", {"admin_id": {"type": "string"}}, keys=["admin_id"])
    complete = {"sync": {"run_id": "seed", "type": "full", "complete": True}}
    messages = [
        schema,
        {"type": "ACTIVATE_VERSION", "stream": "admins", "version": 1},
        {"type": "RECORD", "stream": "admins", "record": {"admin_id": "1"}, "version": 1},
        {"type": "STATE", "value": complete},
    ]
    ok(run(config, messages, tmp_path))


@pytest.mark.parametrize("bad_intercom", ["empty"], indirect=True)
@pytest.mark.parametrize("load", [{"load_method": "overwrite"}, {"hard_delete": True}])
def test_empty_list_answers_empty_no_table(
    target_config: dict[str, Any], tmp_path: Path, bad_intercom: str, load: dict[str, Any]
) -> None:
    config = {**target_config, **load}
    url = config["database_url"]
    _seed_admins(config, tmp_path)
    tap = _tap(bad_intercom, tmp_path)
    assert tap.returncode != 0
    assert "without its `admins` list" in tap.stderr
    lines = [json.loads(line) for line in tap.stdout.splitlines()]
    assert not any(line["type"] == "RECORD" for line in lines)
    done = ok(run(config, [as_lines(lines).rstrip("\n")], tmp_path))
    live = fetch(
        url,
        "SELECT admin_id FROM intercom_admins t WHERE to_jsonb(t) ->> '_sdc_deleted_at' IS NULL",
    )
    assert live == [("1",)]
    assert all(state["sync"]["complete"] is False for state in done.states)
    assert last_log(url)["status"] == "incomplete"


@pytest.mark.parametrize("bad_intercom", ["echo"], indirect=True)
def test_echoed_authorization_header_is_masked(bad_intercom: str, tmp_path: Path) -> None:
    tap = _tap(bad_intercom, tmp_path)
    assert tap.returncode != 0
    assert "bad header Bearer" in tap.stderr  # the server's message is shown...
    assert TOKEN not in tap.stdout + tap.stderr  # ...without the token
    check = subprocess.run(
        [str(TAP_BIN.parent / "tap-intercom-check"), "--config", str(tmp_path / "tap.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 1
    assert TOKEN not in check.stdout + check.stderr
