"""Where stream schemas live: inside the package (wheel) or in the repository (editable)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

# A wheel carries a copy of the repository's schemas/ inside the package (see the force-include in
# tap-intercom/pyproject.toml); an editable install imports the package from the source tree, two
# levels below the repository's schemas/ folder.
_REPOSITORY_SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def schemas_folder() -> Traversable:
    """The folder holding `<stream>.json` files for this installation."""
    packaged = resources.files("tap_intercom") / "schemas"
    if packaged.is_dir():
        return packaged
    if _REPOSITORY_SCHEMAS.is_dir():
        return _REPOSITORY_SCHEMAS
    msg = f"No stream schemas found in the package or at {_REPOSITORY_SCHEMAS}"
    raise FileNotFoundError(msg)


@cache
def _load(stream_name: str) -> str:
    return (schemas_folder() / f"{stream_name}.json").read_text(encoding="utf-8")


def load_schema(stream_name: str) -> dict[str, Any]:
    """A fresh copy of the stream's schema (callers may modify it)."""
    schema: dict[str, Any] = json.loads(_load(stream_name))
    return schema
