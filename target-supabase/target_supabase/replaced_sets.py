"""Children replaced as a set per parent key (e.g. a conversation's tags).

When a parent record arrives, the child rows that follow it in the input are its complete set:
the rows loaded earlier for that parent go, in the transaction that loads the new ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from target_supabase.settings import ReplaceSet
from target_supabase.tables.names import fit_identifier


class PendingReplacements:
    """Parents seen since their children's rows were last replaced, per child stream."""

    def __init__(self, replace_sets: Mapping[str, ReplaceSet]) -> None:
        self._sets = replace_sets
        self._pending: dict[str, dict[tuple, dict[str, Any]]] = {}

    def children_of(self, parent: str) -> list[str]:
        return [child for child, spec in self._sets.items() if spec.parent_stream == parent]

    def note_parent(self, child: str, record: Mapping[str, Any]) -> tuple:
        """Record that `record` (of the parent stream) starts a new set; return its key."""
        keys = self._sets[child].parent_keys
        values = tuple(record.get(key) for key in keys)
        row = {fit_identifier(key): value for key, value in zip(keys, values, strict=True)}
        self._pending.setdefault(child, {})[values] = row
        return values

    def parent_columns(self, child: str) -> list[str]:
        return [fit_identifier(key) for key in self._sets[child].parent_keys]

    def has(self, child: str) -> bool:
        return bool(self._pending.get(child))

    def take(self, child: str) -> list[dict[str, Any]]:
        """The parent keys (column → value) whose children are to be deleted, now."""
        return list(self._pending.pop(child, {}).values())

    def children_pending(self) -> list[str]:
        return [child for child, parents in self._pending.items() if parents]
