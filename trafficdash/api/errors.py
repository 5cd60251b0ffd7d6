"""The error body every /api endpoint may answer with, as the OpenAPI document states it.

Request validation (FastAPI) answers 422 with a list of field errors; services refusing a value
answer 422 with a sentence for people. Both are ``{"detail": ...}``, so clients read one shape.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ApiError(BaseModel):
    detail: str | list[dict[str, Any]]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ApiError,
        "description": "Invalid input: field errors, or a sentence saying what to change",
    },
}
