"""The SQL of a deletion check: mark the rows a complete id snapshot no longer holds.

Rows are never deleted: `deleted_at` is set (and, for a lead merged into a user, `merged_into_id`),
so history stays queryable and a mistaken mark can be undone by the next snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2.extensions
from psycopg2 import sql

MERGED_INTO = "merged_into_id"


@dataclass(frozen=True)
class Reconciliation:
    """One table compared with one complete snapshot held in the snapshots table."""

    table: sql.Identifier
    key: str  # the table's key column (the object's Intercom id)
    deleted_at: str
    updated_at: str | None  # rows updated since `listed_from` are too new to judge
    snapshots: sql.Identifier
    snapshot_id: str
    listed_from: str | None


@dataclass
class Marked:
    absent: int = 0
    merged: int = 0
    revived: int = 0

    @property
    def total(self) -> int:
        return self.absent + self.merged


def live_count(cur: psycopg2.extensions.cursor, snapshots: sql.Identifier, snapshot_id: str) -> int:
    cur.execute(
        sql.SQL("SELECT count(*) FROM {} WHERE snapshot_id = %s AND merged_into_id IS NULL").format(
            snapshots
        ),
        (snapshot_id,),
    )
    row = cur.fetchone()
    return int(row[0]) if row else 0


def reconcile(cur: psycopg2.extensions.cursor, r: Reconciliation, has_merges: bool) -> Marked:
    ids = {
        "t": r.table,
        "s": r.snapshots,
        "k": sql.Identifier(r.key),
        "d": sql.Identifier(r.deleted_at),
        "m": sql.Identifier(MERGED_INTO),
    }
    params = {"sid": r.snapshot_id, "from": r.listed_from}
    marked = Marked()
    if has_merges:
        cur.execute(
            sql.SQL(
                "UPDATE {t} AS t SET {d} = coalesce(t.{d}, now()), {m} = s.merged_into_id "
                "FROM {s} AS s WHERE s.snapshot_id = %(sid)s AND s.merged_into_id IS NOT NULL "
                "AND t.{k} = s.object_id "
                "AND (t.{d} IS NULL OR t.{m} IS DISTINCT FROM s.merged_into_id)"
            ).format(**ids),
            params,
        )
        marked.merged = cur.rowcount
    in_snapshot = sql.SQL(
        "EXISTS (SELECT 1 FROM {s} AS s WHERE s.snapshot_id = %(sid)s AND s.object_id = t.{k})"
    ).format(**ids)
    cur.execute(
        sql.SQL(
            "UPDATE {t} AS t SET {d} = now() WHERE t.{d} IS NULL AND NOT {present} {old}"
        ).format(present=in_snapshot, old=_older_than_listing(r), **ids),
        params,
    )
    marked.absent = cur.rowcount
    live = sql.SQL(
        "EXISTS (SELECT 1 FROM {s} AS s WHERE s.snapshot_id = %(sid)s AND s.object_id = t.{k} "
        "AND s.merged_into_id IS NULL)"
    ).format(**ids)
    # Listed live although marked before the listing began (an unarchived contact, a mark the
    # API contradicts): live again. A mark made during the listing is newer than it and stays.
    cur.execute(
        sql.SQL(
            "UPDATE {t} AS t SET {d} = NULL WHERE t.{d} IS NOT NULL AND {live} "
            "AND (%(from)s::timestamptz IS NULL OR t.{d} < %(from)s::timestamptz)"
        ).format(live=live, **ids),
        params,
    )
    marked.revived = cur.rowcount
    return marked


def _older_than_listing(r: Reconciliation) -> sql.Composable:
    if r.updated_at is None or r.listed_from is None:
        return sql.SQL("")
    return sql.SQL("AND (t.{u} IS NULL OR t.{u} < %(from)s::timestamptz)").format(
        u=sql.Identifier(r.updated_at)
    )


def forget(cur: psycopg2.extensions.cursor, snapshots: sql.Identifier, stream: str) -> None:
    """Drop the stream's snapshot ids: the applied one and any a killed run left behind."""
    cur.execute(sql.SQL("DELETE FROM {} WHERE stream = %s").format(snapshots), (stream,))
