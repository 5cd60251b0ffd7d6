"""The one "the account's time zone, else UTC"."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from trafficdash.zones import UTC_ZONE, zone_or_utc


def test_a_known_zone_is_used() -> None:
    assert zone_or_utc("America/Sao_Paulo") == ZoneInfo("America/Sao_Paulo")


@pytest.mark.parametrize("name", [None, "", "Nowhere/Atlantis", "../../etc/passwd", "/abs"])
def test_no_zone_or_an_unknown_one_is_utc(name: str | None) -> None:
    assert zone_or_utc(name) is UTC_ZONE
