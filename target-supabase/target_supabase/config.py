"""Where the target's settings come from (what they mean is settings.py): `--config FILE`
(repeatable, later files win) and `--config ENV` (TARGET_SUPABASE_* variables, which Meltano sets
for plugin commands), with SUPABASE_DB_URL when no connection is configured.

The one place the environment is read, for the target (`TargetSupabase._env_var_config`), the
operator commands (ops/cli.py) and the webhook receiver. Functions take the plugin class rather
than importing it, so this module imports nothing of the target's. tap-intercom has the same few
lines in tap_intercom/config.py: the two are separate distributions (docs/architecture.md, "One
place per fact"), and tests/architecture/test_shared_facts.py keeps the copies in agreement.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dotenv import find_dotenv, load_dotenv
from singer_sdk.configuration._dict_config import parse_environment_config
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.plugin_base import PluginBase

DATABASE_URL_FALLBACK_ENV = "SUPABASE_DB_URL"
CONNECTION_SETTINGS = ("database_url", "host")
ENV_PREFIX = "TARGET_SUPABASE_"


def load_config(
    plugin: type[PluginBase], config_args: Sequence[str]
) -> tuple[dict[str, Any], list[str]]:
    """The config with the schema's defaults, and the plugin's validation errors (if any)."""
    # The project folder's .env, as Meltano reads it (variables already set win): it may hold
    # SUPABASE_DB_URL or TARGET_SUPABASE_* settings.
    load_dotenv(find_dotenv(usecwd=True), override=False)
    config: dict[str, Any] = {}
    for path in config_args:
        if path != "ENV":
            config |= read_json(path)
    if "ENV" in config_args:
        config |= env_config(plugin)
    has_connection = any(config.get(name) for name in CONNECTION_SETTINGS)
    if not has_connection and os.environ.get(DATABASE_URL_FALLBACK_ENV):
        config["database_url"] = os.environ[DATABASE_URL_FALLBACK_ENV]
    try:
        loaded = plugin(config=config, validate_config=True)
    except ConfigValidationError as error:
        return config, [str(message) for message in error.errors] or [str(error)]
    return dict(loaded.config), []


def env_config(plugin: type[PluginBase]) -> dict[str, Any]:
    """TARGET_SUPABASE_* variables, parsed by the SDK against the plugin's config schema (its
    built-in settings included), `number` settings as numbers."""
    schema = copy.deepcopy(plugin.config_jsonschema)
    plugin.append_builtin_config(schema)
    found = parse_environment_config(schema, ENV_PREFIX)
    return {name: as_number(schema["properties"][name], value) for name, value in found.items()}


def as_number(spec: Mapping[str, Any], value: Any) -> Any:
    """The SDK leaves `number` settings from the environment as strings (it converts only
    integers, booleans, arrays and objects: singer_sdk/configuration/_dict_config.py), and
    Meltano exports every setting, e.g. TARGET_SUPABASE_BATCH_MAX_SECONDS=30."""
    if "number" in spec.get("type", []) and isinstance(value, str):
        return float(value)
    return value


def read_json(path: str) -> dict[str, Any]:
    try:
        found = json.loads(Path(path).read_text())
    except json.JSONDecodeError as error:
        msg = f"{path} is not a JSON config file: {error}"
        raise ValueError(msg) from None
    if not isinstance(found, dict):
        msg = f"{path} is not a JSON object of settings"
        raise ValueError(msg)
    return found
