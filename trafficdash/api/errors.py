"""The error body every /api endpoint may answer with, as the OpenAPI document states it.

Request validation (FastAPI) answers 422 with a list of field errors; services refusing a value
answer 422 with a sentence for people. Both are ``{"detail": ...}``, so clients read one shape.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from fastapi import HTTPException, Request, Response, status
from fastapi.encoders import decimal_encoder, jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from trafficdash import db


class ApiError(BaseModel):
    detail: str | list[dict[str, Any]]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError, "description": "A body that cannot be read (not UTF-8 JSON)"},
    422: {
        "model": ApiError,
        "description": "Invalid input: field errors, or a sentence saying what to change",
    },
}


async def validation_error_after_auth(request: Request, exc: Exception) -> Response:
    """A 422 lists the API's parameters, so strangers get the 401 instead.

    Endpoints authenticate inside their one worker-thread hop (with the rest of their database
    work); only a request that fails validation, and so never reaches its endpoint, pays for
    a separate check here.
    """
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith("/api"):
        from trafficdash.api.deps import authenticate_request

        def check() -> None:
            with db.session_scope() as session:
                authenticate_request(request, session)

        try:
            await run_in_threadpool(check)
        except HTTPException as unauthorized:
            return await http_exception_handler(request, unauthorized)
    return JSONResponse(
        {"detail": field_errors(exc.errors())}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
    )


def field_errors(errors: Iterable[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors as JSON can carry them: what, where and why, without pydantic's doc links.

    The refused input is echoed as sent, except numbers JSON has no words for (``1e400`` parses to
    infinity), which are echoed as text, so the answer about them can itself be written.
    """
    encoded = jsonable_encoder(
        list(errors), custom_encoder={float: _finite_or_text, Decimal: _finite_or_text}
    )
    return [{key: value for key, value in error.items() if key != "url"} for error in encoded]


def _finite_or_text(value: float | Decimal) -> float | int | str:
    if isinstance(value, Decimal):
        return decimal_encoder(value) if value.is_finite() else str(value)
    return value if math.isfinite(value) else str(value)
