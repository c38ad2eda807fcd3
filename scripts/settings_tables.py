"""Keep every copy of the plugins' settings in step with their config schemas.

The single source of truth is each plugin's `--about --format json`. From it this script writes:
the `settings` and `capabilities` of both plugins in meltano.yml, the settings tables in README.md
(between `<!-- settings:start -->` and `<!-- settings:end -->`) and `.env.example`.

    .venv/bin/python scripts/settings_tables.py           # rewrite the three files
    .venv/bin/python scripts/settings_tables.py --check   # exit 1 when any of them is stale
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
PLUGINS = {"tap-intercom": "extractors", "target-supabase": "loaders"}
README_MARKERS = ("<!-- settings:start -->", "<!-- settings:end -->")
USER_VARIABLES = {
    "INTERCOM_ACCESS_TOKEN": "the Intercom access token, when TAP_INTERCOM_ACCESS_TOKEN is unset",
    "SUPABASE_DB_URL": "the database URL, when TARGET_SUPABASE_DATABASE_URL is unset",
}


@dataclass(frozen=True)
class Setting:
    """One property of a plugin's config schema, as the documents describe it."""

    name: str
    schema: dict[str, Any]
    required: bool
    env_var: str

    @property
    def json_type(self) -> str:
        kinds = self.schema.get("type", "string")
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        return next((kind for kind in kinds if kind != "null"), "string")

    @property
    def secret(self) -> bool:
        return bool(self.schema.get("secret") or self.schema.get("writeOnly"))

    @property
    def options(self) -> list[Any]:
        return list(self.schema.get("enum") or [])

    @property
    def kind(self) -> str:
        """Meltano's setting kind for this JSON Schema type."""
        if self.options:
            return "options"
        if self.json_type == "string" and self.schema.get("format") == "date-time":
            return "date_iso8601"
        kinds = {"integer": "integer", "number": "decimal", "boolean": "boolean"}
        return kinds.get(self.json_type, self.json_type)

    @property
    def label(self) -> str:
        return str(self.schema.get("title") or self.name.replace("_", " ").capitalize())

    @property
    def description(self) -> str:
        return " ".join(str(self.schema.get("description") or self.label).split())


def about(plugin: str) -> dict[str, Any]:
    executable = Path(sys.executable).parent / plugin
    output = subprocess.run(
        [str(executable), "--about", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(output))


def settings_of(plugin: str, info: dict[str, Any]) -> list[Setting]:
    schema = info["settings"]
    required = set(schema.get("required", []))
    prefix = plugin.upper().replace("-", "_") + "_"
    return [
        Setting(name, spec, name in required, prefix + name.upper().replace("-", "_"))
        for name, spec in schema.get("properties", {}).items()
    ]


def meltano_setting(setting: Setting) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": setting.name,
        "kind": setting.kind,
        "label": setting.label,
        "description": setting.description,
    }
    if "default" in setting.schema:
        entry["value"] = setting.schema["default"]
    if setting.options:
        entry["options"] = [{"label": str(option), "value": option} for option in setting.options]
    if setting.secret:
        entry["sensitive"] = True
    return entry


def render_default(setting: Setting) -> str:
    if "default" not in setting.schema:
        return ""
    default = setting.schema["default"]
    text = default if isinstance(default, str) else json.dumps(default)
    return f"`{text}`" if text != "" else '`""`'


def markdown_table(plugin: str, settings: Iterable[Setting]) -> str:
    lines = [
        f"### {plugin}",
        "",
        "| setting | environment variable | type | default | description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for setting in settings:
        kind = setting.json_type + (", required" if setting.required else "")
        kind += ", secret" if setting.secret else ""
        if setting.options:
            kind += ": " + " \\| ".join(f"`{option}`" for option in setting.options)
        description = setting.description.replace("|", "\\|")
        lines.append(
            f"| `{setting.name}` | `{setting.env_var}` | {kind} | {render_default(setting)} "
            f"| {description} |"
        )
    return "\n".join(lines)


def readme_section(all_settings: dict[str, list[Setting]]) -> str:
    intro = (
        "Generated from the plugins' config schemas by `scripts/settings_tables.py` (do not edit "
        "by hand). Set them in `meltano.yml`, with `meltano config <plugin> set`, as environment "
        "variables (Meltano and `--config ENV` read them), or in a JSON file for `--config`. "
        "`INTERCOM_ACCESS_TOKEN` and `SUPABASE_DB_URL` work too: see `.env.example`."
    )
    tables = [markdown_table(plugin, settings) for plugin, settings in all_settings.items()]
    return "\n\n".join([intro, *tables])


def env_example(all_settings: dict[str, list[Setting]]) -> str:
    lines = [
        "# Every setting as an environment variable, all commented out. Copy what you need to .env",
        "# (Meltano and `--config ENV` read it) or export it. Generated by",
        "# scripts/settings_tables.py from the plugins' config schemas: do not edit by hand.",
        "",
        "# The variables of the standalone sync script work too:",
    ]
    lines += [f"# {name}=    # {help_text}" for name, help_text in USER_VARIABLES.items()]
    for plugin, settings in all_settings.items():
        lines += ["", f"# ---- {plugin} ----"]
        for setting in settings:
            flags = ", ".join(
                flag
                for flag, on in (("required", setting.required), ("secret", setting.secret))
                if on
            )
            lines.append(f"# {setting.description}" + (f" ({flags})" if flags else ""))
            lines.append(f"# {setting.env_var}=")
    return "\n".join(lines) + "\n"


def updated_meltano_yml(text: str, abouts: dict[str, dict[str, Any]]) -> str:
    project = yaml.safe_load(text)
    for plugin, plugin_type in PLUGINS.items():
        entry = next(p for p in project["plugins"][plugin_type] if p["name"] == plugin)
        entry["capabilities"] = list(abouts[plugin]["capabilities"])
        entry["settings"] = [meltano_setting(s) for s in settings_of(plugin, abouts[plugin])]
    return str(yaml.safe_dump(project, sort_keys=False, width=100, allow_unicode=True))


def updated_readme(text: str, section: str) -> str:
    start, end = README_MARKERS
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{section}\n{end}{tail}"


def expected_files() -> dict[Path, str]:
    abouts = {plugin: about(plugin) for plugin in PLUGINS}
    all_settings = {plugin: settings_of(plugin, info) for plugin, info in abouts.items()}
    meltano_yml, readme = REPO_ROOT / "meltano.yml", REPO_ROOT / "README.md"
    return {
        meltano_yml: updated_meltano_yml(meltano_yml.read_text(), abouts),
        readme: updated_readme(readme.read_text(), readme_section(all_settings)),
        REPO_ROOT / ".env.example": env_example(all_settings),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    stale = []
    for path, text in expected_files().items():
        current = path.read_text() if path.exists() else ""
        if current == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text)
    if args.check and stale:
        print(f"Stale: {', '.join(stale)}. Run: .venv/bin/python scripts/settings_tables.py")
        return 1
    print("Updated: " + ", ".join(stale) if stale else "Settings documents are up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
