"""Table and column names: stream → table, and PostgreSQL's 63-byte identifier limit."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

# PostgreSQL truncates identifiers to NAMEDATALEN - 1 = 63 bytes, silently, so two long names
# sharing a prefix would collide. https://www.postgresql.org/docs/15/sql-syntax-lexical.html
MAX_IDENTIFIER_BYTES = 63
_HASH_CHARS = 8

# Defaults of the `table_names` setting: the user's table names for two of the tap's streams.
DEFAULT_TABLE_NAMES: dict[str, str] = {"conversation_parts": "messages", "contacts": "users"}


def fit_identifier(name: str) -> str:
    """`name` itself when it fits in 63 bytes, else a prefix of it plus a hash of the whole name
    (deterministic, and two different long names never shorten to the same identifier)."""
    encoded = name.encode("utf-8")
    if len(encoded) <= MAX_IDENTIFIER_BYTES:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:_HASH_CHARS]
    keep = MAX_IDENTIFIER_BYTES - _HASH_CHARS - 1
    prefix = encoded[:keep].decode("utf-8", errors="ignore")
    return f"{prefix}_{digest}"


def table_name(stream: str, prefix: str, table_names: Mapping[str, str]) -> str:
    """The table a stream loads into: `prefix` + (`table_names[stream]` or the stream name)."""
    return fit_identifier(prefix + table_names.get(stream, stream))


def support_table_name(kind: str, prefix: str) -> str:
    """Tables the target itself owns: sync_logs, rejected_records, webhook_events."""
    return fit_identifier(prefix + kind)
