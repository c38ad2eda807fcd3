"""Table names a stream may not load into: the target's own tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from target_supabase.overwrite import STAGE_PREFIX
from target_supabase.tables.names import UnusableNameError
from target_supabase.tables.table_spec import TableSpec


class ReservedTableError(ValueError):
    """A stream's table would be one of the target's own tables."""


def refuse_reserved(stream: str, spec: TableSpec, support_tables: Iterable[str]) -> None:
    """Raise when `stream` would load into a support table (sync logs, rejected records, ...)
    or a name of the kind the target uses for its staging tables."""
    if spec.name in set(support_tables):
        kind = "one of the target's own tables"
    elif spec.name.startswith(STAGE_PREFIX):
        kind = f"named like the target's staging tables ({STAGE_PREFIX}...)"
    else:
        return
    msg = (
        f"Stream {stream!r} would load into table {spec.schema}.{spec.name}, {kind}: give the "
        f'stream another table with the `table_names` setting, e.g. {{"{stream}": '
        f'"{stream}_records"}}'
    )
    raise ReservedTableError(msg)


class TableClaims:
    """The streams of a run and their tables. Two streams whose table names differ but are
    shortened into one table (a name longer than 63 bytes, and another literally named like its
    shortened form) would silently share its rows: refused. Streams that `table_names` maps to
    one name are the user's choice."""

    def __init__(self, prefix: str, table_names: Mapping[str, str]) -> None:
        self._prefix = prefix
        self._table_names = table_names
        self._claims: dict[str, tuple[str, str]] = {}  # table → (first stream, name it asked)

    def claim(self, stream: str, table: str) -> None:
        wanted = self._prefix + self._table_names.get(stream, stream)
        other, other_wanted = self._claims.setdefault(table, (stream, wanted))
        if other_wanted != wanted:
            msg = (
                f"Streams {other!r} and {stream!r} would both load into table {table!r} (a name "
                "longer than 63 bytes is shortened to it): give one of them another table with "
                "the `table_names` setting."
            )
            raise UnusableNameError(msg)
