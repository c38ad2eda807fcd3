"""Where the tap's settings come from (what they mean is settings.py): JSON files and, for
`--config ENV`, TAP_INTERCOM_* variables, with INTERCOM_ACCESS_TOKEN when no token is given.

The one place the environment is read, for the tap (`TapIntercom._env_var_config`) and
`tap-intercom-check`. Functions take the plugin class rather than importing it, so this module
imports nothing of the tap's. target-supabase has the same few lines in
target_supabase/config.py: the two are separate distributions (docs/architecture.md, "One place
per fact"), and tests/architecture/test_shared_facts.py keeps the copies in agreement.
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
from singer_sdk.plugin_base import PluginBase

ENV_PREFIX = "TAP_INTERCOM_"
TOKEN_FALLBACK_ENV = "INTERCOM_ACCESS_TOKEN"


def load_config(plugin: type[PluginBase], config_args: Sequence[str]) -> dict[str, Any]:
    """Config files merged in order, then TAP_INTERCOM_* variables when `ENV` is given (the
    SDK's `--config ENV` convention), then the INTERCOM_ACCESS_TOKEN fallback."""
    # The project folder's .env, as Meltano reads it (variables already set win): it may hold
    # INTERCOM_ACCESS_TOKEN or TAP_INTERCOM_* settings.
    load_dotenv(find_dotenv(usecwd=True), override=False)
    config: dict[str, Any] = {}
    for path in config_args:
        if path != "ENV":
            config |= json.loads(Path(path).read_text())
    if "ENV" in config_args:
        config |= env_config(plugin)
    if not config.get("access_token") and os.environ.get(TOKEN_FALLBACK_ENV):
        config["access_token"] = os.environ[TOKEN_FALLBACK_ENV]
    return config


def env_config(plugin: type[PluginBase]) -> dict[str, Any]:
    """TAP_INTERCOM_* variables, parsed by the SDK against the plugin's config schema (its
    built-in settings included), `number` settings as numbers."""
    schema = copy.deepcopy(plugin.config_jsonschema)
    plugin.append_builtin_config(schema)
    found = parse_environment_config(schema, ENV_PREFIX)
    return {name: as_number(schema["properties"][name], value) for name, value in found.items()}


def as_number(spec: Mapping[str, Any], value: Any) -> Any:
    """The SDK leaves `number` settings from the environment as strings (it converts only
    integers, booleans, arrays and objects: singer_sdk/configuration/_dict_config.py), and
    Meltano exports every setting, e.g. TAP_INTERCOM_REQUEST_TIMEOUT=60."""
    if "number" in spec.get("type", []) and isinstance(value, str):
        return float(value)
    return value
