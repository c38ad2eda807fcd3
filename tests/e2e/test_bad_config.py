"""Scenario 6: bad configuration. Each gives a clear message, a non-zero exit, and no secret in
anything printed."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from intercom_sandbox.postgres import free_port

from e2e.pipeline import target_command
from e2e.scenario import E2E_TOKEN, Scenario, write_json

WRONG_TOKEN = "wrong-token-4b1d9e0c"
WRONG_PASSWORD = "wrong-password-93c1f7"

# The smallest input that makes a target open its database connection.
SINGER_INPUT = "\n".join(
    json.dumps(message)
    for message in [
        {
            "type": "SCHEMA",
            "stream": "teams",
            "schema": {"type": "object", "properties": {"team_id": {"type": "string"}}},
            "key_properties": ["team_id"],
        },
        {"type": "RECORD", "stream": "teams", "record": {"team_id": "1"}},
        {"type": "STATE", "value": {"bookmarks": {}}},
    ]
)


def with_netloc(url: str, password: str | None = None, port: int | None = None) -> str:
    parts = urlsplit(url)
    user = parts.username or ""
    host = parts.hostname or ""
    secret = password if password is not None else parts.password
    return urlunsplit(parts._replace(netloc=f"{user}:{secret}@{host}:{port or parts.port}"))


def run_target(tmp_path: Path, config: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    args = target_command(write_json(tmp_path / "target.json", config))
    return subprocess.run(
        args, input=SINGER_INPUT + "\n", capture_output=True, text=True, timeout=120
    )


def test_a_wrong_token_stops_the_tap_with_a_message_and_no_token(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=61, conversations=3, contacts=3)
    result = scenario.run(tap={"access_token": WRONG_TOKEN})

    assert result.tap_returncode not in (0, None)
    message = result.tap_stderr.lower()
    assert "401" in message or "unauthorized" in message
    assert "token" in message
    everything = result.tap_stderr + result.target_stderr + result.tap_output.read_text()
    assert WRONG_TOKEN not in everything
    assert E2E_TOKEN not in everything
    assert "success" not in scenario.statuses()


def test_an_unknown_region_is_rejected_before_any_request(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=62, conversations=3, contacts=3)
    result = scenario.run(tap={"region": "mars", "api_url": None})

    assert result.tap_returncode not in (0, None)
    assert "region" in result.tap_stderr
    assert not scenario.fake.stats.requests_by_path, "no request reached Intercom"
    assert E2E_TOKEN not in result.tap_stderr + result.target_stderr


def test_a_run_whose_tap_fails_at_once_is_not_logged_as_a_success(
    scenario_factory: Callable[..., Scenario],
) -> None:
    scenario = scenario_factory(seed=63, conversations=3, contacts=3)
    result = scenario.run(tap={"region": "mars", "api_url": None})

    assert result.tap_returncode not in (0, None)
    assert "success" not in scenario.statuses()


@pytest.mark.parametrize(
    ("case", "expected_words"),
    [
        pytest.param("unreachable", ["connect"], id="unreachable-database"),
        pytest.param("wrong-password", ["password"], id="wrong-password"),
        pytest.param("ssl-required", ["ssl"], id="ssl-required-but-not-offered"),
    ],
)
def test_database_problems_give_a_clear_message_and_no_password(
    tmp_path: Path, database_url: str, case: str, expected_words: list[str]
) -> None:
    password = urlsplit(database_url).password or ""
    config: dict[str, Any] = {"database_url": database_url}
    if case == "unreachable":
        config["database_url"] = with_netloc(database_url, port=free_port())
    elif case == "wrong-password":
        config["database_url"] = with_netloc(database_url, password=WRONG_PASSWORD)
    else:
        # The throwaway server offers no SSL, like a server that cannot satisfy `require`.
        config["sslmode"] = "require"

    result = run_target(tmp_path, config)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    for word in expected_words:
        assert word in output.lower()
    for secret in (password, WRONG_PASSWORD):
        assert secret not in output
