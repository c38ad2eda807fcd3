"""The plugin definitions in meltano.yml are Meltano Hub definitions, and another Meltano project
adds the plugins from this repository's git URL (`pip_url` with its subdirectory) and runs them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e.tables import count_rows
from intercom_sandbox.fake import FakeIntercom

from meltano.project import REPO_ROOT, TOKEN, MeltanoProject, meltano_bin

PLUGINS = {"tap-intercom": ("extractors", "extractor"), "target-supabase": ("loaders", "loader")}
# Meltano Hub's plugin definition syntax (docs.meltano.com/reference/plugin-definition-syntax):
# what a Hub listing shows, and what `meltano add --from-ref` needs to configure the plugin.
HUB_FIELDS = ("name", "namespace", "variant", "label", "description", "logo_url", "repo", "docs",
              "pip_url", "executable", "capabilities", "settings", "keywords")  # fmt: skip
THROWAWAY_PROJECT = """\
default_environment: dev
project_id: 3d0c8b51-5c8f-4c55-9a9e-7e1f3f0a4b21
send_anonymous_usage_stats: false
environments:
- name: dev
plugins: {}
"""


def definition(plugin: str) -> dict[str, Any]:
    project = yaml.safe_load((REPO_ROOT / "meltano.yml").read_text())
    kind = PLUGINS[plugin][0]
    return dict(next(p for p in project["plugins"][kind] if p["name"] == plugin))


@pytest.mark.parametrize("plugin", PLUGINS)
def test_the_definition_has_every_field_a_hub_listing_needs(plugin: str) -> None:
    entry = definition(plugin)
    pyproject = (REPO_ROOT / plugin / "pyproject.toml").read_text()
    homepage = re.search(r'^Homepage = "(.+)"$', pyproject, re.M).group(1)  # type: ignore[union-attr]

    assert [field for field in HUB_FIELDS if not entry.get(field)] == []
    assert entry["namespace"] == plugin.replace("-", "_")
    assert entry["repo"] == homepage
    assert entry["docs"].startswith(homepage)
    assert "meltano_sdk" in entry["keywords"]
    for setting in entry["settings"]:
        assert [key for key in ("kind", "label", "description") if not setting.get(key)] == [], (
            setting["name"]
        )


def snapshot_repository(destination: Path) -> Path:
    """This checkout as a git repository of its own: the files git would commit (tracked and
    new, not ignored), committed. pip clones it like any git URL."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run([*git, *command], cwd=destination, check=True, capture_output=True)
    return destination


@pytest.mark.slow  # installs both plugins from git into a new project (about a minute)
def test_another_project_adds_the_plugins_from_the_git_url_and_runs_them(
    tmp_path: Path, fake: FakeIntercom, database_url: str
) -> None:
    repository = snapshot_repository(tmp_path / "repository")
    project = MeltanoProject(tmp_path / "project", meltano_bin())
    project.root.mkdir()
    (project.root / "meltano.yml").write_text(THROWAWAY_PROJECT)
    for plugin, (_, plugin_type) in PLUGINS.items():
        entry = definition(plugin) | {"pip_url": f"git+file://{repository}#subdirectory={plugin}"}
        reference = tmp_path / f"{plugin}.yml"
        reference.write_text(yaml.safe_dump(entry, sort_keys=False))
        project.run("add", "--plugin-type", plugin_type, plugin, "--from-ref", str(reference),
                    timeout=900)  # fmt: skip

    env = {
        "TAP_INTERCOM_ACCESS_TOKEN": TOKEN,
        "TAP_INTERCOM_API_URL": fake.url,
        "TARGET_SUPABASE_DATABASE_URL": database_url,
    }
    project.run("run", "tap-intercom", "target-supabase", env=env)
    status = project.run("invoke", "target-supabase:status", env=env)

    assert count_rows(database_url, "intercom_conversations") == len(fake.truth().conversations)
    assert status.stdout.splitlines()[3].split()[:2] == ["full", "success"]
    installed = project.root / ".meltano" / "extractors" / "tap-intercom" / "venv"
    assert list(installed.glob("lib/python*/site-packages/tap_intercom/schemas/*.json"))
