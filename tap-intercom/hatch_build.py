"""Hatch build hook: the stream schemas travel inside the package.

`schemas/` at the repository root is the single source of truth for stream shapes. Built from the
repository, the sdist and the wheel both get a copy at `tap_intercom/schemas`; built from an
sdist (as `python -m build` and pip do), that copy is already inside the package, and the
repository folder is not there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGED = "tap_intercom/schemas"


class SchemasBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        repository_schemas = root.parent / "schemas"
        if (root / PACKAGED).is_dir() or not repository_schemas.is_dir():
            return
        build_data["force_include"][str(repository_schemas)] = PACKAGED
