"""meltano.yml, the plugins' config schemas, .env.example and the settings tables of
docs/settings.md agree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from target_supabase.tables.column_types import TYPE_TABLE

from meltano.project import REPO_ROOT

PLUGINS = {"tap-intercom": "extractors", "target-supabase": "loaders"}
SETTINGS_SECTION = ("<!-- settings:start -->", "<!-- settings:end -->")
TYPES_SECTION = ("<!-- types:start -->", "<!-- types:end -->")


def about(plugin: str) -> dict[str, Any]:
    executable = Path(sys.executable).parent / plugin
    done = subprocess.run(
        [str(executable), "--about", "--format", "json"], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def meltano_plugin(plugin: str) -> dict[str, Any]:
    project = yaml.safe_load((REPO_ROOT / "meltano.yml").read_text())
    return next(p for p in project["plugins"][PLUGINS[plugin]] if p["name"] == plugin)


def documented_settings_section() -> str:
    return marked_section(REPO_ROOT / "docs" / "settings.md", SETTINGS_SECTION)


def marked_section(path: Path, markers: tuple[str, str]) -> str:
    start, end = markers
    return path.read_text().split(start, 1)[1].split(end, 1)[0]


def env_var(plugin: str, setting: str) -> str:
    return f"{plugin.upper().replace('-', '_')}_{setting.upper()}"


@pytest.mark.parametrize("plugin", PLUGINS)
def test_meltano_yml_declares_every_setting_as_the_plugin_does(plugin: str) -> None:
    info = about(plugin)
    declared = {entry["name"]: entry for entry in meltano_plugin(plugin)["settings"]}

    assert list(declared) == list(info["settings"]["properties"])
    for name, schema in info["settings"]["properties"].items():
        entry = declared[name]
        assert entry.get("sensitive", False) == bool(schema.get("secret")), name
        assert entry.get("value") == schema.get("default"), name
        assert entry["label"], name
        assert entry["description"], name
        if schema.get("enum"):
            assert [option["value"] for option in entry["options"]] == schema["enum"], name


@pytest.mark.parametrize("plugin", PLUGINS)
def test_meltano_yml_capabilities_are_what_the_plugin_reports(plugin: str) -> None:
    assert meltano_plugin(plugin)["capabilities"] == about(plugin)["capabilities"]


@pytest.mark.parametrize("plugin", PLUGINS)
def test_secrets_are_sensitive(plugin: str) -> None:
    secrets = {
        entry["name"] for entry in meltano_plugin(plugin)["settings"] if entry.get("sensitive")
    }
    expected = {"tap-intercom": {"access_token"}, "target-supabase": {"database_url", "password"}}
    assert expected[plugin] <= secrets


@pytest.mark.parametrize("plugin", PLUGINS)
def test_env_example_and_the_settings_page_list_every_setting(plugin: str) -> None:
    env_example = (REPO_ROOT / ".env.example").read_text()
    documented = documented_settings_section()
    for name in about(plugin)["settings"]["properties"]:
        assert f"# {env_var(plugin, name)}=\n" in env_example, name
        assert f"| `{name}` | `{env_var(plugin, name)}` |" in documented, name


def test_env_example_sets_nothing() -> None:
    lines = (REPO_ROOT / ".env.example").read_text().splitlines()
    assert all(line.startswith("#") or not line.strip() for line in lines)


def test_generated_files_are_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("readme", ["docs/tables.md", "target-supabase/README.md"])
def test_the_readme_type_table_is_the_codes_type_table(readme: str) -> None:
    """The type mapping is one table in code and one table in each document that shows it."""
    rows = marked_section(REPO_ROOT / readme, TYPES_SECTION).strip().splitlines()
    assert rows[0] == "| JSON Schema | PostgreSQL |"
    documented = []
    for row in rows[2:]:
        json_type, sql_type = (cell.strip() for cell in row.strip("|").split("|"))
        documented.append((json_type, sql_type.strip("`")))
    in_code = [(described(kind, detail), sql) for (kind, detail), sql in TYPE_TABLE.items()]
    assert documented == in_code


def described(kind: str, detail: str | None) -> str:
    if kind == "array":
        return "`array` of `string`" if detail == "string" else "any other `array`"
    return f"`{kind}`, format `{detail}`" if detail else f"`{kind}`"
