"""JSON objects parked in a temporary file and read back in order: many pages held on disk, not
in memory (the companies scroll is read to the end before anything is written: companies.py)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import Any


class Spool:
    def __init__(self, prefix: str) -> None:
        # Closed by __exit__: the spool is itself the context manager.
        self._file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", prefix=prefix)  # noqa: SIM115
        self.count = 0

    def append(self, item: dict[str, Any]) -> None:
        self._file.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.count += 1

    def clear(self) -> None:
        self._file.seek(0)
        self._file.truncate()
        self.count = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield json.loads(line)

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._file.close()  # the file has no name on disk: closing it frees the space
