"""ACTIVATE_VERSION: rows a full-table stream no longer sends are deleted, or marked deleted.

A tap reading a stream whole (FULL_TABLE) sends `{"type": "ACTIVATE_VERSION", "stream": ...,
"version": N}` and its records carry `"version": N` (the Meltano SDK sends the activation before
the records, singer-io taps also after them: https://hub.meltano.com/singer/spec#activate-version).
Each row of such a stream keeps the version that last wrote it in `_sdc_table_version`; rows of an
older version (or of none) are the ones the source no longer has. The names are those of the SDK
and of MeltanoLabs target-postgres, so queries carry over.

The deletion waits until the stream's data has arrived complete (the end of the run, see
`Versions.retire`): applied when the activation arrives, as some targets do, a tap that dies
after it would leave the table empty (or every row marked deleted).

`hard_delete: true` deletes those rows; by default (`false`, as in target-postgres) they stay with
`_sdc_deleted_at` set, and a row that comes back gets it cleared.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg2.extensions
from psycopg2 import sql
from singer_sdk.singerlib.exceptions import InvalidInputLine

from target_supabase.tables.table_spec import (
    DELETED_AT_COLUMN,
    VERSION_COLUMN,
    TableSpec,
    version_columns,
)

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def with_version_columns(spec: TableSpec, hard_delete: bool) -> TableSpec:
    present = {column.name for column in spec.columns}
    extra = tuple(column for column in version_columns(hard_delete) if column.name not in present)
    return TableSpec(
        spec.schema,
        spec.name,
        spec.columns + extra,
        spec.primary_key,
        spec.indexes,
        spec.rls,
        spec.synced_at,
    )


@dataclass
class Versions:
    """The version each stream activated in this run, and the records it set aside.

    A rejected record is not a deletion: the source still has the object, its new record only
    could not be stored. Its row keeps its old values and is not retired. When a rejected
    record's key is unknown (no key properties, a null key, a record that could not be read),
    any row may be its own: the stream retires nothing this run."""

    activated: dict[str, int] = field(default_factory=dict)
    # Key values (as text) of the records set aside, per stream.
    kept_keys: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    # Streams with a record set aside whose key is unknown.
    unknown_rejections: set[str] = field(default_factory=set)

    def activate(self, stream: str, version: int) -> None:
        self.activated[stream] = version

    def keep(self, stream: str, key: tuple[Any, ...] | None) -> None:
        """A record of `stream` with key values `key` (None: unknown) was set aside."""
        texts = _key_texts(key)
        if texts is None:
            self.unknown_rejections.add(stream)
        elif texts:
            self.kept_keys.setdefault(stream, set()).add(texts)


def _key_texts(key: tuple[Any, ...] | None) -> tuple[str, ...] | None:
    """Key values as PostgreSQL prints them (`id::text`); None when they cannot identify a row,
    () when no row can hold them (a NUL character)."""
    if not key:
        return None
    texts = []
    for value in key:
        if value is None or isinstance(value, (bool, dict, list)):
            return None
        text = str(value)
        if "\x00" in text:
            return ()
        texts.append(text)
    return tuple(texts)


def parse_version(stream: str, version: Any, message: str) -> int:
    """A message's `version`: an integer (the SDK's is a Unix time), or a clear error."""
    if isinstance(version, bool) or not isinstance(version, int):
        msg = f"{message} of stream {stream!r}: the version must be an integer, not {version!r}"
        raise InvalidInputLine(msg)
    if not BIGINT_MIN <= version <= BIGINT_MAX:
        # `_sdc_table_version` is a bigint: every record of such a version would be set aside,
        # and the rows of the older versions retired.
        msg = (
            f"{message} of stream {stream!r}: the version {version} does not fit "
            "_sdc_table_version (bigint)"
        )
        raise InvalidInputLine(msg)
    return version


def retire_old_rows(
    cur: psycopg2.extensions.cursor,
    table: sql.Identifier,
    version: int,
    hard_delete: bool,
    key_columns: Sequence[str] = (),
    kept: Collection[tuple[str, ...]] = (),
) -> int:
    """Delete (or mark deleted) the rows of `table` not written by `version`, except those whose
    `key_columns` (as text) are `kept`; return how many."""
    column = sql.Identifier(VERSION_COLUMN)
    older = sql.SQL("({c} IS NULL OR {c} < %s)").format(c=column)
    params: list[Any] = [version]
    if kept:
        not_kept, kept_params = keys_not_in(key_columns, kept)
        older = sql.SQL("{} AND {}").format(older, not_kept)
        params += kept_params
    if hard_delete:
        cur.execute(sql.SQL("DELETE FROM {} WHERE {}").format(table, older), params)
    else:
        deleted_at = sql.Identifier(DELETED_AT_COLUMN)
        cur.execute(
            sql.SQL("UPDATE {} SET {d} = now() WHERE {} AND {d} IS NULL").format(
                table, older, d=deleted_at
            ),
            params,
        )
    return int(cur.rowcount)


def keys_not_in(
    key_columns: Sequence[str], kept: Collection[tuple[str, ...]]
) -> tuple[sql.Composable, list[str]]:
    """A condition true for the rows whose key (as text) is none of `kept`, and its values."""
    keys = sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in key_columns)
    row = sql.SQL("({})").format(sql.SQL(", ").join([sql.Placeholder()] * len(key_columns)))
    rows = sql.SQL(", ").join([row] * len(kept))
    condition = sql.SQL("({}) NOT IN (VALUES {})").format(keys, rows)
    return condition, [text for key in kept for text in key]
