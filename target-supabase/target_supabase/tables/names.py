"""Table and column names: stream → table, and what PostgreSQL's identifiers cannot hold.

A quoted identifier holds any character but NUL, is at least one character long, and is
truncated, silently, to NAMEDATALEN - 1 = 63 bytes: two long names sharing a prefix would
collide. https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

MAX_IDENTIFIER_BYTES = 63
_HASH_CHARS = 8
NUL = "\x00"

# Defaults of the `table_names` setting: the user's table names for two of the tap's streams.
DEFAULT_TABLE_NAMES: dict[str, str] = {"conversation_parts": "messages", "contacts": "users"}


class UnusableNameError(ValueError):
    """A stream's table name, or its properties' column names, cannot be used."""


def holds(name: str) -> bool:
    """True when PostgreSQL holds `name` as it is: not empty, no NUL, at most 63 bytes."""
    return bool(name) and NUL not in name and len(name.encode("utf-8")) <= MAX_IDENTIFIER_BYTES


def fit_identifier(name: str) -> str:
    """`name` itself when PostgreSQL holds it; else its first bytes (NULs left out) plus `_`
    and 8 hex digits of a SHA-256 of the whole name: deterministic, at most 63 bytes, and two
    names differ in their hashes (`column_names` checks what is left: a clash with a name that
    is used as it is)."""
    if holds(name):
        return name
    digest = hashlib.sha256(name.encode("utf-8", errors="surrogatepass")).hexdigest()
    keep = MAX_IDENTIFIER_BYTES - _HASH_CHARS - 1
    prefix = name.replace(NUL, "").encode("utf-8", errors="ignore")[:keep]
    return f"{prefix.decode('utf-8', errors='ignore')}_{digest[:_HASH_CHARS]}"


def column_names(stream: str, properties: Iterable[str]) -> dict[str, str]:
    """Property → column for one stream; refuses the stream when two properties would share a
    column (possible only when a property is literally named like another's mapped form)."""
    found: dict[str, str] = {}
    owners: dict[str, str] = {}
    for name in properties:
        column = fit_identifier(name)
        if column in owners:
            msg = (
                f"Stream {stream!r}: properties {owners[column]!r} and {name!r} would both be "
                f"stored in column {column!r}. Rename one of them (e.g. with a stream map)."
            )
            raise UnusableNameError(msg)
        owners[column] = name
        found[name] = column
    return found


def table_name(stream: str, prefix: str, table_names: Mapping[str, str]) -> str:
    """The table a stream loads into: `prefix` + (`table_names[stream]` or the stream name).

    A long name is shortened by `fit_identifier`; an empty one, or one with a NUL character,
    is refused (PostgreSQL cannot hold it, and a stripped name could be another stream's)."""
    name = prefix + table_names.get(stream, stream)
    if not name or NUL in name:
        msg = (
            f"Stream {stream!r} cannot be loaded: its table name {name!r} is "
            f"{'empty' if not name else 'holding a NUL character'}, which PostgreSQL cannot "
            "store. Give the stream a table name with the `table_names` setting."
        )
        raise UnusableNameError(msg)
    return fit_identifier(name)


def support_table_name(kind: str, prefix: str) -> str:
    """Tables the target itself owns: sync_logs, rejected_records, webhook_events."""
    return fit_identifier(prefix + kind)
