"""`tap-intercom-check`: the Intercom half of "test connections".

Checks the token, the region, the API version and the rate-limit headroom with one `GET /me`, then
asks each selected stream's endpoint once and prints what the token can and cannot read (a missing
permission names the one to grant: access.py). It says what is wrong and how to fix it. The access
token is never printed.

    tap-intercom-check --config tap.json        # a config file
    tap-intercom-check --config ENV             # TAP_INTERCOM_* variables (what Meltano sets)
    tap-intercom-check --config ENV --catalog catalog.json   # only the catalog's selected streams
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests
from singer_sdk.exceptions import ConfigValidationError

from tap_intercom.access import check_access, render_table
from tap_intercom.check_results import CheckResult, fail, ok, print_report, warn
from tap_intercom.client import REGION_URLS
from tap_intercom.config import load_config
from tap_intercom.runtime import build_client
from tap_intercom.secrets import mask, spellings
from tap_intercom.settings import API_VERSIONS, parse_settings
from tap_intercom.skips import FAIL
from tap_intercom.tap import TapIntercom

# The user's familiar variable from the standalone script, honoured when the setting is unset.
# `app.region` is documented only by the example "US"; accept the long names too.
REGION_NAMES = {"europe": "eu", "australia": "au", "united states": "us"}
TOKEN_HELP = (
    "copy the token from Intercom: Settings > Integrations > Developer Hub > your app > "
    "Configure > Authentication, and set INTERCOM_ACCESS_TOKEN (or TAP_INTERCOM_ACCESS_TOKEN, "
    "or access_token in the config file)"
)
LOW_HEADROOM_FRACTION = 0.2
# A check reports an outage rather than waiting it out for `outage_retry_minutes`.
CHECK_RETRY_SECONDS = 20.0


def base_url(config: Mapping[str, Any]) -> str:
    return str(config.get("api_url") or REGION_URLS[str(config.get("region") or "us")]).rstrip("/")


def check_intercom(config: Mapping[str, Any], catalog: Path | None = None) -> list[CheckResult]:
    """Every Intercom check, in order; stops early when a later check cannot run."""
    config, problems = validated(config)
    if problems:
        return problems
    try:
        response = fetch_me(config)
    except requests.RequestException as error:
        return [fail("intercom reachable", unreachable_message(config, error))]
    results = [ok("intercom reachable", f"{base_url(config)} answered")]
    if response.status_code != 200:
        return [*results, explain_error_response(config, response)]
    try:
        me = dict(response.json())
    except ValueError:
        return [
            *results,
            fail("intercom reachable", "the answer is not Intercom's JSON: check api_url"),
        ]
    results += [
        ok("intercom token", describe_admin(me)),
        check_region(config, me),
        ok("intercom api version", f"{config['api_version']} accepted"),
        check_rate_limit(config, response.headers),
        check_permissions(config, selected_streams(config, catalog)),
    ]
    return results


def selected_streams(config: Mapping[str, Any], catalog: Path | None) -> list[str]:
    """The streams a sync with this catalog reads (all of them without one), in sync order."""
    tap = TapIntercom(
        config=dict(config), catalog=str(catalog) if catalog else None, validate_config=False
    )
    return [
        stream.name
        for stream in tap.streams.values()
        if stream.selected or stream.has_selected_descendents
    ]


def check_permissions(config: Mapping[str, Any], streams: Sequence[str]) -> CheckResult:
    """Each selected stream's endpoint asked once; the table says what the token may read."""
    settings = parse_settings(config)
    retry_seconds = min(settings.outage_retry_seconds, CHECK_RETRY_SECONDS)
    client = build_client(replace(settings, outage_retry_seconds=retry_seconds))
    try:
        rows = check_access(client, streams, settings.api_version)
    finally:
        client.close()
    table = "\n".join(["", *render_table(rows)])
    missing = [row for row in rows if row.missing_permission]
    failed = [row for row in rows if not row.readable and not row.missing_permission]
    if failed:
        names = ", ".join(row.stream for row in failed)
        return fail("intercom permissions", f"could not ask the endpoints of {names}{table}")
    if not missing:
        return ok("intercom permissions", f"every selected stream is readable{table}")
    grants = sorted({row.detail.removeprefix("missing permission: ") for row in missing})
    names = ", ".join(row.stream for row in missing)
    fix = f"{'; '.join(grants)} in the Developer Hub (your app > Configure > Authentication)"
    if settings.on_stream_unavailable == FAIL:
        message = f"the token may not read {names}, so a sync fails: {fix}"
        return fail("intercom permissions", message + table)
    message = f"the token may not read {names}, which a sync skips: {fix}, or deselect them"
    return warn("intercom permissions", message + table)


def validated(config: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckResult]]:
    """The tap's own validation (config schema and `config_errors`), before any request; the
    config comes back with the schema's defaults filled in."""
    problems = []
    candidate = dict(config)
    if not candidate.get("access_token"):
        problems.append(fail("intercom token", f"access_token is not set: {TOKEN_HELP}"))
        candidate["access_token"] = "unset"
    try:
        candidate = dict(TapIntercom(config=candidate, validate_config=True).config)
    except ConfigValidationError as error:
        problems += [fail("intercom settings", str(message)) for message in error.errors]
    return candidate, problems


def fetch_me(config: Mapping[str, Any]) -> requests.Response:
    """`GET /me`: the admin behind the token and its workspace (spec L14, `admin_with_app`)."""
    headers = {
        "Authorization": f"Bearer {config['access_token']}",
        "Accept": "application/json",
        "Intercom-Version": str(config["api_version"]),
    }
    timeout = float(config.get("request_timeout") or 60)
    return requests.get(f"{base_url(config)}/me", headers=headers, timeout=timeout)


def unreachable_message(config: Mapping[str, Any], error: requests.RequestException) -> str:
    where = "api_url" if config.get("api_url") else "region"
    return (
        f"cannot reach {base_url(config)} ({type(error).__name__}): check the network, "
        f"proxies and the {where} setting"
    )


def explain_error_response(config: Mapping[str, Any], response: requests.Response) -> CheckResult:
    """Intercom's `error.list` body (docs/intercom-api.md#errors-and-permissions) turned into
    what to do about it."""
    code, message, request_id = parse_error_body(response)
    seen = f"HTTP {response.status_code} {code or ''} {message or ''}".strip()
    if request_id:
        seen += f", request_id {request_id}"
    # A server or proxy may quote the request's Authorization header back in its error body.
    seen = mask(seen, spellings(config["access_token"]))
    if response.status_code == 401:
        return fail("intercom token", f"the token was rejected ({seen}): {TOKEN_HELP}")
    if response.status_code == 403:
        fix = "give the app read permissions for conversations, contacts, companies and tickets"
        return fail("intercom token", f"the token is not allowed to read ({seen}): {fix}")
    if "version" in (code or "") or "version" in (message or "").lower():
        versions = ", ".join(API_VERSIONS)
        fix = f"set api_version to one of {versions}"
        return fail("intercom api version", f"{config['api_version']} refused ({seen}): {fix}")
    if response.status_code == 429:
        return fail("intercom rate limit", f"rate limited right now ({seen}): try again shortly")
    return fail("intercom reachable", f"unexpected answer from {base_url(config)}/me ({seen})")


def parse_error_body(response: requests.Response) -> tuple[str | None, str | None, str | None]:
    try:
        body = response.json()
    except ValueError:
        return None, None, None
    if not isinstance(body, dict):
        return None, None, None
    errors = body.get("errors") or [{}]
    first = errors[0] if isinstance(errors[0], dict) else {}
    return first.get("code"), first.get("message"), body.get("request_id")


def describe_admin(me: Mapping[str, Any]) -> str:
    app = me.get("app") or {}
    workspace = f"workspace {app.get('name')!r} ({app.get('id_code')})" if app else "its workspace"
    return f"accepted for admin {me.get('name')!r} <{me.get('email')}> of {workspace}"


def check_region(config: Mapping[str, Any], me: Mapping[str, Any]) -> CheckResult:
    """The workspace's region (`app.region`, e.g. "US": spec `app` schema) against the region
    setting."""
    said = str((me.get("app") or {}).get("region") or "").lower()
    actual = REGION_NAMES.get(said, said)
    if config.get("api_url"):
        return ok("intercom region", f"api_url {base_url(config)} overrides region")
    configured = str(config.get("region") or "us").lower()
    if not actual:
        return warn(
            "intercom region", f"Intercom did not say the workspace's region ({configured})"
        )
    if actual != configured:
        # api.intercom.io routes to the right region itself, but data then travels through the US
        # host (docs/intercom-api.md#authentication-regions-and-versions): say so and how to fix it.
        fix = f"set region to {actual!r}" if actual in REGION_URLS else "check the region setting"
        message = f"the workspace is hosted in {actual.upper()} but region is {configured!r}: {fix}"
        return warn("intercom region", message)
    return ok("intercom region", f"{actual.upper()} ({base_url(config)})")


def check_rate_limit(config: Mapping[str, Any], headers: Mapping[str, str]) -> CheckResult:
    """Headroom in the current 10-second window (X-RateLimit-* headers:
    docs/intercom-api.md#rate-limits)."""
    try:
        limit = int(headers["X-RateLimit-Limit"])
        remaining = int(headers["X-RateLimit-Remaining"])
    except (KeyError, ValueError):
        message = "Intercom sent no rate-limit headers; the tap will pace itself on 429 answers"
        return warn("intercom rate limit", message)
    headroom = f"{remaining} of {limit} requests left in this 10-second window"
    headroom += f" (about {limit * 6} per minute)"
    if remaining <= limit * LOW_HEADROOM_FRACTION:
        fix = (
            "other apps of this workspace share the budget; syncs will be slower until it frees up"
        )
        return warn("intercom rate limit", f"{headroom}: {fix}")
    return ok("intercom rate limit", headroom)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tap-intercom-check", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        help="a JSON config file, or ENV for TAP_INTERCOM_* variables (repeatable)",
    )
    parser.add_argument(
        "--catalog", type=Path, help="check only the streams this Singer catalog selects"
    )
    args = parser.parse_args(argv)
    config = load_config(TapIntercom, args.config or ["ENV"])
    return print_report("Intercom", check_intercom(config, args.catalog))


if __name__ == "__main__":
    sys.exit(main())
