"""`tap-intercom-check`: the Intercom half of "test connections", against the fake Intercom."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom, WorkspaceSpec
from intercom_sandbox.postgres import free_port
from tap_intercom.connection_check import check_rate_limit, check_region

from ops.helpers import CHECK_MODULE, run_module, write_config

TOKEN = "tok-" + "x" * 20


@pytest.fixture
def fake() -> Iterator[FakeIntercom]:
    with FakeIntercom(WorkspaceSpec(seed=3, conversations=3), token=TOKEN) as started:
        yield started


def check(tmp_path: Path, config: dict) -> tuple[int, str]:
    path = write_config(tmp_path, "tap.json", config)
    done = run_module(CHECK_MODULE, "--config", str(path))
    return done.returncode, done.stdout + done.stderr


def test_a_good_token_passes_every_check(tmp_path: Path, fake: FakeIntercom) -> None:
    code, output = check(tmp_path, {"access_token": TOKEN, "api_url": fake.url})

    assert code == 0, output
    assert "[ OK ] intercom token: accepted for admin" in output
    assert "[ OK ] intercom api version: 2.16 accepted" in output
    assert "[ OK ] intercom rate limit:" in output
    assert "Intercom: ready" in output
    assert TOKEN not in output


def test_a_wrong_token_is_rejected_with_where_to_get_one(
    tmp_path: Path, fake: FakeIntercom
) -> None:
    wrong = "wrong-" + "y" * 20
    code, output = check(tmp_path, {"access_token": wrong, "api_url": fake.url})

    assert code == 1
    assert "[FAIL] intercom token: the token was rejected (HTTP 401" in output
    assert "Developer Hub" in output
    assert "request_id" in output
    assert wrong not in output


def test_older_api_versions_are_accepted(tmp_path: Path, fake: FakeIntercom) -> None:
    config = {"access_token": TOKEN, "api_url": fake.url, "api_version": "2.14"}
    code, output = check(tmp_path, config)

    assert code == 0, output
    assert "intercom api version: 2.14 accepted" in output


def test_bad_settings_are_named_before_any_request(tmp_path: Path, fake: FakeIntercom) -> None:
    config = {"access_token": TOKEN, "api_url": fake.url, "api_version": "1.0"}
    requests_before = sum(fake.stats.requests_by_path.values())
    code, output = check(tmp_path, config)

    assert code == 1
    assert "[FAIL] intercom settings: '1.0' is not one of" in output
    assert "api_version" in output
    assert sum(fake.stats.requests_by_path.values()) == requests_before


def test_a_missing_token_says_how_to_set_it(tmp_path: Path, fake: FakeIntercom) -> None:
    code, output = check(tmp_path, {"api_url": fake.url})

    assert code == 1
    assert "access_token is not set" in output
    assert "INTERCOM_ACCESS_TOKEN" in output


def test_the_rate_limit_window_is_reported(tmp_path: Path) -> None:
    limited = FakeIntercom(
        WorkspaceSpec(seed=3, conversations=3), token=TOKEN, rate_limit_per_10s=5
    )
    with limited:
        code, output = check(tmp_path, {"access_token": TOKEN, "api_url": limited.url})

    assert code == 0, output
    assert "of 5 requests left in this 10-second window (about 30 per minute)" in output


@pytest.mark.parametrize(
    ("remaining", "status"),
    [pytest.param("1", "WARN", id="low"), pytest.param("900", "OK", id="plenty")],
)
def test_low_rate_limit_headroom_is_a_warning(remaining: str, status: str) -> None:
    headers = {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": remaining}
    result = check_rate_limit({}, headers)

    assert result.status == status
    assert result.message.startswith(f"{remaining} of 1000 requests left")


def test_missing_rate_limit_headers_are_a_warning() -> None:
    assert check_rate_limit({}, {}).status == "WARN"


def test_an_unreachable_api_names_the_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code, output = check(tmp_path, {"access_token": TOKEN, "api_url": url})

    assert code == 1
    assert f"[FAIL] intercom reachable: cannot reach {url}" in output


def test_the_users_intercom_access_token_variable_is_honoured(fake: FakeIntercom) -> None:
    env = {"INTERCOM_ACCESS_TOKEN": TOKEN, "TAP_INTERCOM_API_URL": fake.url}
    done = run_module(CHECK_MODULE, "--config", "ENV", env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Intercom: ready" in done.stdout


@pytest.mark.parametrize(
    ("region", "workspace_region", "status", "says"),
    [
        pytest.param("us", "US", "OK", "US (https://api.intercom.io)", id="match"),
        pytest.param("us", "EU", "WARN", "set region to 'eu'", id="eu-workspace-us-setting"),
        pytest.param("eu", "Europe", "OK", "EU (https://api.eu.intercom.io)", id="long-name"),
        pytest.param("au", None, "WARN", "did not say", id="unknown"),
    ],
)
def test_region_is_compared_with_the_workspace(
    region: str, workspace_region: str | None, status: str, says: str
) -> None:
    result = check_region({"region": region}, {"app": {"region": workspace_region}})

    assert result.status == status
    assert says in result.message


def test_cross_field_rules_of_the_tap_apply(tmp_path: Path, fake: FakeIntercom) -> None:
    config = {
        "access_token": TOKEN,
        "api_url": fake.url,
        "start_date": "2025-02-01T00:00:00Z",
        "end_date": "2025-01-01T00:00:00Z",
    }
    code, output = check(tmp_path, config)

    assert code == 1
    assert "[FAIL] intercom settings: end_date" in output


def test_the_token_in_the_project_folders_env_file_is_found(
    tmp_path: Path, fake: FakeIntercom
) -> None:
    (tmp_path / ".env").write_text(f"INTERCOM_ACCESS_TOKEN={TOKEN}\n")
    path = write_config(tmp_path, "tap.json", {"api_url": fake.url})
    done = run_module(CHECK_MODULE, "--config", str(path), cwd=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Intercom: ready" in done.stdout
    assert TOKEN not in done.stdout + done.stderr
