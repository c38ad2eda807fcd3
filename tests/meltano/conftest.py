"""The Meltano project, installed once per session into a temporary copy by the README's install
command; a fake Intercom, a fresh database and a fresh Meltano state for each test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom

from meltano.project import (
    TOKEN,
    WORKSPACE,
    MeltanoProject,
    copy_project,
    install,
    meltano_bin,
)


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the project after `bash scripts/install.sh`, and what the script printed."""
    root = copy_project(tmp_path_factory.mktemp("meltano-project"))
    done = install(root)
    assert done.returncode == 0, f"scripts/install.sh failed:\n{done.stdout}{done.stderr[-6000:]}"
    return root, done.stdout + done.stderr


@pytest.fixture(scope="session")
def meltano_project(installed_project: tuple[Path, str]) -> MeltanoProject:
    return MeltanoProject(installed_project[0], meltano_bin())


@pytest.fixture
def fake(fake_intercom: Callable[..., FakeIntercom]) -> FakeIntercom:
    return fake_intercom(**WORKSPACE, token=TOKEN)


@pytest.fixture
def plugin_env(fake: FakeIntercom, database_url: str, tmp_path: Path) -> dict[str, str]:
    """Meltano's own variables pointing the default environment at this test's fake and database,
    with a Meltano system database (and so state) of its own."""
    return {
        "TAP_INTERCOM_API_URL": fake.url,
        "TAP_INTERCOM_ACCESS_TOKEN": TOKEN,
        "TARGET_SUPABASE_DATABASE_URL": database_url,
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
    }
