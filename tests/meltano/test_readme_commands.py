"""Every Meltano command the README and the pages of docs/ show runs, as shown, with the pinned
Meltano: against the fake Intercom and a real PostgreSQL, with the variables the README tells
users to set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from e2e.tables import sync_logs, table_names
from intercom_sandbox.demo_fake import FAKE_TOKEN, SAMPLE_WORKSPACE
from intercom_sandbox.fake import FakeIntercom

from meltano.project import REPO_ROOT, TOKEN, MeltanoProject
from meltano.readme_commands import Command, readme_commands

pytestmark = pytest.mark.slow  # one Meltano run per command (about a minute in all)

DOCUMENTS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
# Shown in the prose, not as something to run.
MENTIONS = {
    "meltano": "names the program",
    "meltano run": "names the command",
    "meltano run --force ...": "a flag to add to a run",
    "meltano select": "names the command",
    "meltano config set <plugin> <setting> <value>": "the syntax, with placeholders",
    "meltano invoke target-supabase:webhooks": "names the server docs/webhooks.md starts",
}
# Run, exactly as shown, by another test or by the script it names.
RUN_ELSEWHERE = {
    "meltano install": "scripts/install.sh (tests/meltano/test_install.py)",
    "meltano --environment=prod invoke target-supabase:webhooks":
        "a server: tests/meltano/test_webhooks_command.py",
    "meltano add --plugin-type extractor tap-intercom --from-ref tap-intercom.yml":
        "tests/meltano/test_hub_plugins.py",
    "meltano add --plugin-type loader target-supabase --from-ref target-supabase.yml":
        "tests/meltano/test_hub_plugins.py",
}  # fmt: skip


def runnable() -> list[Command]:
    return [c for c in readme_commands(*DOCUMENTS) if str(c) not in MENTIONS | RUN_ELSEWHERE]


def test_the_readme_shows_the_commands_this_test_knows() -> None:
    shown = {str(command) for command in readme_commands(*DOCUMENTS)}

    assert set(MENTIONS) | set(RUN_ELSEWHERE) <= shown, "a listed command left the README and docs/"
    assert len(runnable()) >= 10


def test_every_meltano_command_in_the_readme_runs(
    meltano_project: MeltanoProject,
    fake: FakeIntercom,
    fake_intercom: Callable[..., FakeIntercom],
    database_url: str,
    tmp_path: Path,
) -> None:
    # The user's own setup, simulated: the README's two variables, the API URL pointed at the fake.
    users = {
        "INTERCOM_ACCESS_TOKEN": TOKEN,
        "SUPABASE_DB_URL": database_url,
        "TAP_INTERCOM_API_URL": fake.url,
        "MELTANO_DATABASE_URI": f"sqlite:///{tmp_path / 'meltano.db'}",
    }
    # The demo's fake, for the commands run with --environment=demo (its token is pinned there).
    demo_fake = fake_intercom(**SAMPLE_WORKSPACE, token=FAKE_TOKEN)
    demo = users | {
        "TAP_INTERCOM_API_URL": demo_fake.url,
        "TARGET_SUPABASE_DATABASE_URL": database_url,
    }

    ran = []
    for command in runnable():
        env = (demo if "--environment=demo" in command.args else users) | dict(command.env)
        runs_before = len(sync_logs(database_url)) if has_sync_log(database_url) else 0
        meltano_project.run(*command.args, env=env)
        if command.args[:2] == ("config", "set"):
            meltano_project.run("config", "unset", *command.args[2:-1], env=env)
        if "run" in command.args:
            last = sync_logs(database_url)[-1]
            assert len(sync_logs(database_url)) == runs_before + 1, command
            assert last["status"] == "success", (str(command), last)
        ran.append(str(command))

    assert "meltano run tap-intercom target-supabase" in ran
    assert "meltano config set tap-intercom region eu" in ran


def has_sync_log(database_url: str) -> bool:
    return "intercom_sync_logs" in table_names(database_url)
