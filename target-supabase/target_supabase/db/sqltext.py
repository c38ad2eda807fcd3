"""psycopg2.sql compositions rendered as text without a connection (for printing the DDL).

psycopg2 needs a connection to quote an identifier; we render identifiers with PostgreSQL's own
rule (always double-quoted, inner quotes doubled), which is what `quote_ident` produces for a
UTF-8 database, so the printed SQL is byte for byte what the target executes.
"""

from __future__ import annotations

from psycopg2 import sql


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def render(composable: sql.Composable) -> str:
    """The SQL text of a composition made of SQL, Identifier and Composed parts."""
    if isinstance(composable, sql.Composed):
        return "".join(render(part) for part in composable.seq)
    if isinstance(composable, sql.Identifier):
        return ".".join(quote_ident(name) for name in composable.strings)
    if isinstance(composable, sql.SQL):
        return composable.string
    msg = f"cannot render {type(composable).__name__} without a connection"
    raise TypeError(msg)
