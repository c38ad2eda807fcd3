"""An answer of the fake, and Intercom's error list (schema `error`, spec 2.16 L31183)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    # An answer that is not JSON (a proxy's HTML error page): sent as text/html instead of `body`.
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, code: str, message: str) -> Reply:
    errors = [{"code": code, "message": message}]
    return Reply(status, {"type": "error.list", "request_id": str(uuid.uuid4()), "errors": errors})
