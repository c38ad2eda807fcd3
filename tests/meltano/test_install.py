"""`bash scripts/install.sh`: one command installs the plugins' commands, Meltano and the
plugins, and starts nothing (the demo stays untouched)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the session's install (about a minute, once)


@pytest.mark.parametrize("plugin", ["tap-intercom", "target-supabase"])
def test_install_leaves_both_ways_of_running_the_plugins(
    installed_project: tuple[Path, str], plugin: str
) -> None:
    root, _ = installed_project
    kind = "extractors" if plugin.startswith("tap") else "loaders"
    for executable in (root / ".venv" / "bin" / plugin,
                       root / ".meltano" / kind / plugin / "venv" / "bin" / plugin):  # fmt: skip
        done = subprocess.run(
            [str(executable), "--about", "--format", "json"],
            capture_output=True, text=True, check=True, cwd=root,
        )  # fmt: skip
        assert json.loads(done.stdout)["name"] == plugin


def test_install_starts_nothing_and_says_what_to_do_next(
    installed_project: tuple[Path, str],
) -> None:
    root, output = installed_project

    assert not (root / ".demo").exists()
    assert "INTERCOM_ACCESS_TOKEN and SUPABASE_DB_URL" in output
    assert ".venv-meltano/bin/meltano run tap-intercom target-supabase" in output
