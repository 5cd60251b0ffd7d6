"""Errors the analytics service raises; the API maps them to 404 / 422."""

from __future__ import annotations

from trafficdash.auth.access import AccountNotFound


class InvalidFilters(ValueError):
    """The question cannot be answered as asked (bad range, unknown dimension, ...)."""


class EntityNotFound(LookupError):
    """A campaign / ad set / ad the user cannot see (or that does not exist): answered as 404."""

    def __init__(self, level: str, entity_id: int | str) -> None:
        super().__init__(f"{level} {entity_id} not found")
        self.level = level
        self.entity_id = entity_id


__all__ = ["AccountNotFound", "EntityNotFound", "InvalidFilters"]
