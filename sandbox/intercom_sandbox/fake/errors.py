"""Intercom's error envelope (spec `components.schemas.error`) and the exception that carries it."""

from __future__ import annotations

import uuid
from typing import Any


class ApiError(Exception):
    """An error response: HTTP status plus one `error.list` entry."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return error_body(error)


def error_body(*errors: dict[str, Any]) -> dict[str, Any]:
    return {"type": "error.list", "request_id": str(uuid.uuid4()), "errors": list(errors)}


def bad_request(message: str, code: str = "parameter_invalid") -> ApiError:
    return ApiError(400, code, message)


def not_found(message: str = "Resource Not Found") -> ApiError:
    return ApiError(404, "not_found", message)
