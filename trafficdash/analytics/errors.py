"""Errors the analytics service raises; the API maps them to 404 / 422."""

from __future__ import annotations

from trafficdash.auth.access import AccountNotFound


class InvalidFilters(ValueError):
    """The question cannot be answered as asked (bad range, unknown dimension, ...)."""


__all__ = ["AccountNotFound", "InvalidFilters"]
