"""The Meltano project, installed once per session into a temporary copy; a fake Intercom, a
fresh database and a fresh Meltano state for each test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from intercom_sandbox.fake import FakeIntercom

from meltano.project import TOKEN, WORKSPACE, MeltanoProject, copy_project, meltano_bin


@pytest.fixture(scope="session")
def meltano_project(tmp_path_factory: pytest.TempPathFactory) -> MeltanoProject:
    root = copy_project(tmp_path_factory.mktemp("meltano-project"))
    project = MeltanoProject(root, meltano_bin())
    project.run("install", timeout=900)
    return project


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
