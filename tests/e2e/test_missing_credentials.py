"""A newcomer who forgot a credential is told which setting and which variable to set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    ("plugin", "words"),
    [
        pytest.param(
            "tap-intercom",
            ["access_token", "TAP_INTERCOM_ACCESS_TOKEN", "INTERCOM_ACCESS_TOKEN"],
            id="tap",
        ),
        pytest.param(
            "target-supabase",
            ["database_url", "TARGET_SUPABASE_DATABASE_URL", "SUPABASE_DB_URL"],
            id="target",
        ),
    ],
)
@pytest.mark.parametrize(
    "config", [{}, {"access_token": "", "database_url": ""}], ids=["unset", "empty"]
)
def test_a_missing_credential_names_the_setting_and_the_variable(
    tmp_path: Path, plugin: str, words: list[str], config: dict[str, str]
) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))

    done = subprocess.run(
        [str(BIN / plugin), "--config", str(path)],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
    named = [line for line in errors if all(word in line for word in words)]
    assert len(named) == 1, done.stderr[-2000:]
    assert "is a required property" not in done.stderr
