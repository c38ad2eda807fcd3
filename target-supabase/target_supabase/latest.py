"""Duplicates within a batch: keep the newest version of each key (the last one on a tie)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any


class LatestByKey:
    """Tracks which buffered row holds the newest version of each key."""

    def __init__(self, key_properties: Sequence[str], replication_key: str | None) -> None:
        self._keys = tuple(key_properties)
        self._replication_key = replication_key
        self._rows: dict[tuple, tuple[int, Any]] = {}

    def admit(self, record: dict[str, Any], index: int) -> int | None:
        """Register `record`, buffered at `index`. Returns the index of the row that is now
        obsolete: the previous version, or `index` itself when the new one is older."""
        key = tuple(record.get(name) for name in self._keys)
        version = record.get(self._replication_key) if self._replication_key else None
        previous = self._rows.get(key)
        if previous is not None and not _not_older(version, previous[1]):
            return index
        self._rows[key] = (index, version)
        return previous[0] if previous is not None else None

    def clear(self) -> None:
        self._rows = {}


def _not_older(new: Any, old: Any) -> bool:
    """Like the upsert's guard: a version without replication key never replaces one with."""
    if new is None or old is None:
        return old is None
    try:
        return bool(_comparable(new) >= _comparable(old))
    except TypeError:
        return True


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        try:
            return datetime.datetime.fromisoformat(text)
        except ValueError:
            return value
    return value
