"""Rows PostgreSQL refuses: found inside their batch's transaction and set aside, so that the
rest of the batch loads and one bad value never fails every later run.

The pre-checks (validation, `encoding.UnstorableValueError`) catch what is certain and cheap to
see; this is the safety net for the rest (a time zone offset beyond ±15:59, a number beyond
`numeric` deep in a JSON value, a key too long for its index, a constraint the user added). A
batch is loaded inside a savepoint; when PostgreSQL refuses it with an error about a value
(SQLSTATE classes 22 data exception, 23 integrity constraint violation, 54 program limit
exceeded: https://www.postgresql.org/docs/15/errcodes-appendix.html), the savepoint is rolled
back and the rows are tried again in parts: without the line COPY names in its error
context, or else by halves, until each refused row is alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

ROW_ERROR_CLASSES = ("22", "23", "54")
SAVEPOINT = sql.Identifier("_target_supabase_rows")
# "COPY _target_supabase_stage, line 3, column at: "2024-01-01T10""
_COPY_CONTEXT = re.compile(r"^COPY [^\n]*?, line (\d+)(?:, column ([^\n]*?): |, column ([^\n]*)$)?")

ROLLBACK = sql.SQL("ROLLBACK TO SAVEPOINT {0}; RELEASE SAVEPOINT {0}").format(SAVEPOINT)
Attempt = Callable[[list[int], sql.Composable], None]


def refuses_a_row(exc: psycopg2.Error) -> bool:
    """True for the errors a row's own values can cause."""
    return (exc.pgcode or "")[:2] in ROW_ERROR_CLASSES


def refusal_reason(exc: psycopg2.Error) -> str:
    """PostgreSQL's own message, and the column when it says which."""
    diag = exc.diag
    message = diag.message_primary or (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    column = diag.column_name
    match = _COPY_CONTEXT.match(diag.context or "")
    if column is None and match:
        column = match.group(2) or match.group(3)
    suffix = f" (column {column})" if column else ""
    return f"PostgreSQL refused the row: {message}{suffix}"


def copy_line(exc: psycopg2.Error) -> int | None:
    """The 1-based line of the COPY data that PostgreSQL refused, when the error names it."""
    match = _COPY_CONTEXT.match(exc.diag.context or "")
    return int(match.group(1)) if match else None


def load_isolating(
    cur: psycopg2.extensions.cursor, attempt: Attempt, rows: list[int]
) -> list[tuple[int, str]]:
    """Load `rows` (indexes into the batch) with `attempt(part, savepoint_statement)`, which
    runs the statement first; return the rows PostgreSQL refused, with its reason. Any other
    error is raised, the transaction aborted."""
    start = sql.SQL("SAVEPOINT {}; ").format(SAVEPOINT)
    refused: list[tuple[int, str]] = []
    pending = [rows] if rows else []
    first = True
    while pending:
        part = pending.pop()
        try:
            attempt(part, start)
        except psycopg2.Error as exc:
            if not refuses_a_row(exc):
                raise
            cur.execute(ROLLBACK)
            pending += _parts_to_retry(part, exc, refused)
        else:
            if not first:
                # Retries only: the first attempt's savepoint ends with the transaction.
                cur.execute(sql.SQL("RELEASE SAVEPOINT {}").format(SAVEPOINT))
        first = False
    return refused


def _parts_to_retry(
    part: list[int], exc: psycopg2.Error, refused: list[tuple[int, str]]
) -> list[list[int]]:
    if len(part) == 1:
        refused.append((part[0], refusal_reason(exc)))
        return []
    line = copy_line(exc)
    if line is not None and 1 <= line <= len(part):
        # COPY read the lines before it: they likely load. The lines after it are halved, so
        # that a batch of many bad rows takes about as many tries as it has rows, each with
        # fewer rows, rather than one try per bad row with all the rest.
        refused.append((part[line - 1], refusal_reason(exc)))
        before, after = part[: line - 1], part[line:]
        parts = [*_halves(after), before]
    else:
        parts = _halves(part)
    # Popped from the end: the earlier rows are tried first.
    return [found for found in parts if found]


def _halves(part: list[int]) -> list[list[int]]:
    middle = len(part) // 2
    return [part[middle:], part[:middle]]
