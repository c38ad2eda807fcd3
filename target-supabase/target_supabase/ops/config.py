"""Settings for the operator commands, loaded the way the target loads them.

`--config FILE` (repeatable, later files win) and `--config ENV` (TARGET_SUPABASE_* variables, which
Meltano sets for plugin commands), then SUPABASE_DB_URL when no connection is configured.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DATABASE_URL_FALLBACK_ENV = "SUPABASE_DB_URL"
CONNECTION_KEYS = ("database_url", "host")


def load_config(config_args: Sequence[str]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for path in config_args:
        if path != "ENV":
            config |= json.loads(Path(path).read_text())
    if "ENV" in config_args:
        config |= env_config()
    config = {key: value for key, value in config.items() if value is not None}
    if not any(config.get(key) for key in CONNECTION_KEYS) and os.environ.get(
        DATABASE_URL_FALLBACK_ENV
    ):
        config["database_url"] = os.environ[DATABASE_URL_FALLBACK_ENV]
    return with_defaults(config)


def env_config() -> dict[str, Any]:
    """TARGET_SUPABASE_* variables, parsed by the SDK against the target's config schema."""
    from target_supabase.target import TargetSupabase

    target = TargetSupabase(config={}, parse_env_config=True, validate_config=False)
    return dict(target.config)


def with_defaults(config: dict[str, Any]) -> dict[str, Any]:
    """Fill in the defaults declared in the target's config schema."""
    from target_supabase.settings import CONFIG_SCHEMA

    properties = CONFIG_SCHEMA.get("properties", {})
    defaults = {name: spec["default"] for name, spec in properties.items() if "default" in spec}
    return defaults | config
