"""Table names a stream may not load into: the target's own tables."""

from __future__ import annotations

from collections.abc import Iterable

from target_supabase.overwrite import STAGE_PREFIX
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
