"""`intercom-webhooks --config target.json`: the receiver, on 127.0.0.1:8787 unless told otherwise.

The client secret comes from the environment (INTERCOM_CLIENT_SECRET), never from a file that
might be committed or a command line that `ps` shows. Put it behind HTTPS (docs/webhooks.md).
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
from intercom_webhooks.store import Store

SECRET_VARIABLE = "INTERCOM_CLIENT_SECRET"


def _config(path: str) -> dict[str, Any]:
    """A target config file, or `ENV`: the TARGET_SUPABASE_* variables (as under Meltano)."""
    if path == "ENV":
        from target_supabase.ops.config import env_config

        return env_config()
    with open(path, encoding="utf-8") as config_file:
        loaded: dict[str, Any] = json.load(config_file)
    return loaded


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="intercom-webhooks", description=__doc__)
    parser.add_argument(
        "--config", required=True, help="the target's config file (database settings) or ENV"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret:
        sys.exit(f"intercom-webhooks: set {SECRET_VARIABLE} (your app's client secret)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = _config(args.config)
    store = Store(config)
    store.prepare()
    applier = Applier(store)
    applier.start()
    try:
        app = create_app(store, applier, secret, args.max_body_bytes)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False)
    finally:
        applier.stop()
        store.close()
