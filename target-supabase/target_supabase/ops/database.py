"""Connecting to the database exactly as the target does, and talking about it without secrets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg2

from target_supabase.db import connection

CONNECT_TIMEOUT_SECONDS = 10
APPLICATION_NAME = "target-supabase-ops"


def params(config: Mapping[str, Any]) -> dict[str, Any]:
    """The target's own connection parameters (sslmode `require` unless local)."""
    found = connection.connection_params(config, CONNECT_TIMEOUT_SECONDS)
    found["application_name"] = APPLICATION_NAME
    return found


def connect(config: Mapping[str, Any]) -> psycopg2.extensions.connection:
    return psycopg2.connect(**params(config))


def host_and_port(config: Mapping[str, Any]) -> tuple[str, int]:
    found = params(config)
    return str(found.get("host") or ""), int(found.get("port") or 5432)


def user_name(config: Mapping[str, Any]) -> str:
    return str(params(config).get("user") or "")


def is_local(config: Mapping[str, Any]) -> bool:
    return connection.is_local(host_and_port(config)[0])


def describe(config: Mapping[str, Any]) -> str:
    """`user@host:port` — never the password."""
    host, port = host_and_port(config)
    return f"{user_name(config)}@{host}:{port}"


def scrub(text: str, config: Mapping[str, Any]) -> str:
    """`text` with the password masked, however it was spelled."""
    return connection.scrub(text, connection.secrets_of(config))
