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
    """The version each stream activated in this run."""

    activated: dict[str, int] = field(default_factory=dict)

    def activate(self, stream: str, version: int) -> None:
        self.activated[stream] = version


def parse_version(stream: str, version: Any, message: str) -> int:
    """A message's `version`: an integer (the SDK's is a Unix time), or a clear error."""
    if isinstance(version, bool) or not isinstance(version, int):
        msg = f"{message} of stream {stream!r}: the version must be an integer, not {version!r}"
        raise InvalidInputLine(msg)
    return version


def retire_old_rows(
    cur: psycopg2.extensions.cursor, table: sql.Identifier, version: int, hard_delete: bool
) -> int:
    """Delete (or mark deleted) the rows of `table` not written by `version`; return how many."""
    column = sql.Identifier(VERSION_COLUMN)
    older = sql.SQL("({c} IS NULL OR {c} < %s)").format(c=column)
    if hard_delete:
        cur.execute(sql.SQL("DELETE FROM {} WHERE {}").format(table, older), (version,))
    else:
        deleted_at = sql.Identifier(DELETED_AT_COLUMN)
        cur.execute(
            sql.SQL("UPDATE {} SET {d} = now() WHERE {} AND {d} IS NULL").format(
                table, older, d=deleted_at
            ),
            (version,),
        )
    return int(cur.rowcount)
