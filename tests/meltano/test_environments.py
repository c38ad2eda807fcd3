"""Meltano's default environment is the user's own Intercom and Supabase; the demo's settings
apply only when the `demo` environment is chosen, and never carry a real token."""

from __future__ import annotations

import json

import pytest

from meltano.project import MeltanoProject

pytestmark = pytest.mark.slow  # each test runs Meltano (a few seconds a run)

REAL_TOKEN = "real-token-7f3a91"
REAL_URL = (
    "postgresql://postgres.ref:real-password@aws-0-eu-west-1.pooler.supabase.com:5432/postgres"
)


def plugin_config(project: MeltanoProject, plugin: str, *args: str, env: dict) -> dict:
    """The config Meltano hands the plugin (`meltano invoke --dump=config`)."""
    done = project.run(*args, "invoke", "--dump=config", plugin, env=env)
    return dict(json.loads(done.stdout))


def test_without_an_environment_flag_the_users_variables_reach_the_real_services(
    meltano_project: MeltanoProject, tmp_path
) -> None:
    env = {
        "INTERCOM_ACCESS_TOKEN": REAL_TOKEN,
        "SUPABASE_DB_URL": REAL_URL,
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
    }
    tap = plugin_config(meltano_project, "tap-intercom", env=env)
    target = plugin_config(meltano_project, "target-supabase", env=env)

    assert tap["access_token"] == REAL_TOKEN
    assert "api_url" not in tap  # the region's URL: https://api.intercom.io for `us`
    assert tap["region"] == "us"
    assert target["database_url"] == REAL_URL
    assert "sslmode" not in target  # require, for any host that is not local


def test_the_demo_environment_never_sends_a_real_token_to_the_fake(
    meltano_project: MeltanoProject, tmp_path
) -> None:
    env = {
        "INTERCOM_ACCESS_TOKEN": REAL_TOKEN,
        "TAP_INTERCOM_ACCESS_TOKEN": REAL_TOKEN,
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
    }
    tap = plugin_config(meltano_project, "tap-intercom", "--environment=demo", env=env)

    assert tap["api_url"] == "http://127.0.0.1:8765"
    assert tap["access_token"] == "demo-token"


def test_a_run_without_credentials_names_what_to_set(
    meltano_project: MeltanoProject, tmp_path
) -> None:
    env = {"MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}"}
    done = meltano_project.try_run("run", "tap-intercom", "target-supabase", env=env)

    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "TAP_INTERCOM_ACCESS_TOKEN (or INTERCOM_ACCESS_TOKEN" in output
