"""What an endpoint sees of an HTTP request, and what it shares with the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .scroll import ScrollRegistry
from .search_index import SearchIndex
from .workspace import Workspace


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    version: str
    base_url: str
    path_params: tuple[str, ...] = ()

    def flag(self, name: str) -> bool:
        return self.query.get(name, "false").lower() == "true"


@dataclass(frozen=True)
class ApiContext:
    ws: Workspace
    scrolls: ScrollRegistry
    index: SearchIndex = field(default_factory=SearchIndex)
