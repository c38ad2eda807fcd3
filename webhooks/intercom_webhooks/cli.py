"""`intercom-webhooks --config target.json --tap-config tap.json`: the receiver, on
127.0.0.1:8787 unless told otherwise.

The client secret comes from the environment (INTERCOM_CLIENT_SECRET), never from a file that
might be committed or a command line that `ps` shows. Put it behind HTTPS (docs/webhooks.md).
The tap's settings (token, region, `max_requests_per_minute`...) drive the targeted fetches.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

import uvicorn

from intercom_webhooks.app import DEFAULT_MAX_BODY_BYTES, create_app
from intercom_webhooks.applier import Applier
from intercom_webhooks.fetcher import Fetcher, FetchSettings
from intercom_webhooks.store import Store

SECRET_VARIABLE = "INTERCOM_CLIENT_SECRET"
# Meltano's default environment reads the token from this variable (meltano.yml, `prod`).
TOKEN_VARIABLE = "INTERCOM_ACCESS_TOKEN"


def _config(path: str) -> dict[str, Any]:
    """A target config file, or `ENV`: the TARGET_SUPABASE_* variables (as under Meltano)."""
    if path == "ENV":
        from target_supabase.config import env_config
        from target_supabase.target import TargetSupabase

        return env_config(TargetSupabase)
    with open(path, encoding="utf-8") as config_file:
        loaded: dict[str, Any] = json.load(config_file)
    return loaded


def _tap_config(path: str) -> dict[str, Any]:
    """A tap config file, or `ENV`: the TAP_INTERCOM_* variables, the token also from
    INTERCOM_ACCESS_TOKEN."""
    if path != "ENV":
        return _config(path)
    from tap_intercom.config import env_config
    from tap_intercom.tap import TapIntercom

    config = env_config(TapIntercom)
    if not config.get("access_token") and os.environ.get(TOKEN_VARIABLE):
        config["access_token"] = os.environ[TOKEN_VARIABLE]
    return config


def _tap_config_errors(config: dict[str, Any]) -> list[str]:
    from tap_intercom.settings import config_errors

    return config_errors(config)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="intercom-webhooks", description=__doc__)
    parser.add_argument(
        "--config", required=True, help="the target's config file (database settings) or ENV"
    )
    parser.add_argument(
        "--tap-config",
        required=True,
        help="the tap's config file (token, region...) or ENV, for the targeted fetches",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    defaults = FetchSettings()
    parser.add_argument(
        "--fetch-window-seconds",
        type=float,
        default=defaults.window_seconds,
        help="how long a batch of objects to fetch collects after its first one",
    )
    parser.add_argument(
        "--fetch-max-objects",
        type=int,
        default=defaults.max_objects,
        help="objects in one batch at most",
    )
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret:
        sys.exit(f"intercom-webhooks: set {SECRET_VARIABLE} (your app's client secret)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = _config(args.config)
    tap_config = _tap_config(args.tap_config)
    errors = _tap_config_errors(tap_config)
    if errors:
        sys.exit("intercom-webhooks: the tap's settings: " + "; ".join(errors))
    store = Store(config)
    store.prepare()
    settings = FetchSettings(args.fetch_window_seconds, args.fetch_max_objects)
    applier = Applier(store, Fetcher.for_configs(store, tap_config, config, settings))
    applier.start()
    try:
        app = create_app(store, applier, secret, args.max_body_bytes)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False)
    finally:
        applier.stop()
        store.close()
