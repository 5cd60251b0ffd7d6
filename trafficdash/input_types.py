"""Input types every schema shares, bounded by the columns their values end up in.

A value outside them is a 422 that says why, never a database error turned into a 500 (bigint
out of range, a NUL byte PostgreSQL cannot store, an INTEGER overflow, a date whose comparison
period falls before year 1). Booleans and numbers are not coerced into each other: ``0`` is not
``false`` and ``false`` is not ``0``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import AfterValidator, BeforeValidator, StrictBool
from pydantic_core import PydanticCustomError

MAX_DB_ID = 2**63 - 1  # BIGINT: Meta's ids and our own keys
MAX_INT4 = 2**31 - 1  # INTEGER columns (counts)

# Meta's ads began in 2004; with ranges up to 37 months, a comparison period never starts
# before year 2000. The last year leaves room for "the day after the range" everywhere.
FIRST_DATE = date(2004, 1, 1)
LAST_DATE = date(9998, 12, 31)


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a number, not true or false")
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "Text must not contain NUL characters")
    return value


def _within_data_years(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise PydanticCustomError(
            "date_range",
            "Dates must be between {first} and {last}",
            {"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
        )
    return value


def _moment_within_data_years(value: datetime) -> datetime:
    try:
        day = value.astimezone(UTC).date() if value.tzinfo else value.date()
    except OverflowError:  # an offset that pushes it past year 9999 (or before year 1)
        day = date.max
    _within_data_years(day)
    return value


# Bounds go before the boolean check: pydantic states them in the JSON schema only there.
NotABoolean = BeforeValidator(_not_a_boolean)
Int = Annotated[int, NotABoolean]
# An id stored in a BIGINT column (ours start at 1, Meta's too).
DbId = Annotated[int, Interval(ge=1, le=MAX_DB_ID), NotABoolean]
# A count stored in an INTEGER column.
Count = Annotated[int, Interval(ge=0, le=MAX_INT4), NotABoolean]
Flag = StrictBool
# Text PostgreSQL can store (it refuses NUL bytes).
Text = Annotated[str, AfterValidator(_no_nul)]
# A day of ad data: since/until and comparison days.
DataDate = Annotated[date, AfterValidator(_within_data_years)]
# A moment to store (snooze ends): PostgreSQL keeps any year, Python reads back only years 1..9999.
Moment = Annotated[datetime, AfterValidator(_moment_within_data_years)]

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "MAX_DB_ID",
    "MAX_INT4",
    "Count",
    "DataDate",
    "DbId",
    "Flag",
    "Int",
    "Moment",
    "NotABoolean",
    "Text",
]
