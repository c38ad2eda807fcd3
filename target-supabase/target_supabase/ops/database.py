"""Connecting to the database from the target's settings, and talking about it without secrets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import psycopg2

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
CONNECT_TIMEOUT_SECONDS = 10


def connection_kwargs(config: Mapping[str, Any]) -> dict[str, Any]:
    """psycopg2 arguments: `database_url`, else host/port/user/password/database. `sslmode`
    defaults to `require` for any host that is not local (Supabase accepts only TLS from
    outside)."""
    if config.get("database_url"):
        kwargs: dict[str, Any] = {"dsn": config["database_url"]}
    else:
        kwargs = {
            key: config[key]
            for key in ("host", "port", "user", "password", "database")
            if config.get(key) not in (None, "")
        }
        if "database" in kwargs:
            kwargs["dbname"] = kwargs.pop("database")
    sslmode = config.get("sslmode") or url_query(config).get("sslmode")
    if not sslmode and not is_local(config):
        sslmode = "require"
    if sslmode:
        kwargs["sslmode"] = sslmode
    kwargs["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    kwargs["application_name"] = "target-supabase-ops"
    return kwargs


def connect(config: Mapping[str, Any]) -> psycopg2.extensions.connection:
    return psycopg2.connect(**connection_kwargs(config))


def url_query(config: Mapping[str, Any]) -> dict[str, str]:
    url = config.get("database_url")
    if not url:
        return {}
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def host_and_port(config: Mapping[str, Any]) -> tuple[str, int]:
    if config.get("database_url"):
        parts = urlsplit(config["database_url"])
        return parts.hostname or "", parts.port or 5432
    return str(config.get("host") or ""), int(config.get("port") or 5432)


def user_name(config: Mapping[str, Any]) -> str:
    if config.get("database_url"):
        return urlsplit(config["database_url"]).username or ""
    return str(config.get("user") or "")


def password(config: Mapping[str, Any]) -> str:
    if config.get("database_url"):
        return urlsplit(config["database_url"]).password or ""
    return str(config.get("password") or "")


def is_local(config: Mapping[str, Any]) -> bool:
    host = host_and_port(config)[0]
    return host in LOCAL_HOSTS or host.startswith("/")


def describe(config: Mapping[str, Any]) -> str:
    """`user@host:port` — never the password."""
    host, port = host_and_port(config)
    return f"{user_name(config)}@{host}:{port}"


def scrub(text: str, config: Mapping[str, Any]) -> str:
    """Remove the password from a message that might quote a connection string."""
    secret = password(config)
    for form in {secret, quote(secret, safe=""), unquote(secret)} - {""}:
        text = text.replace(form, "***")
    return text
