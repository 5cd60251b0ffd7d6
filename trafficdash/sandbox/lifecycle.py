"""Campaigns, ad sets and ads that end: archived or deleted on a fixed day, after delivering before it.

As Meta treats them ("Manage your ad object's status"): an archived or deleted object keeps its
stats and is readable by its own id, but edges of a live parent do not list it and
``act_X/insights`` at campaign, ad set or ad level leaves its stats out, unless the request filters
``effective_status`` (``ad.effective_status``, ``adset.…``, ``campaign.…``) to include it; account
level totals always include everything. Deleting or archiving a parent ends its children with it.

Which objects end, and when, hashes (seed, object id): the same world every run. The end days are
spread over a fixed calendar span, so any recent window of the demo holds some ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .hashing import h64, unit

# Source: Meta: Marketing API › Best practices › Manage your ad object's status
# (https://developers.facebook.com/docs/marketing-api/best-practices/manage-your-ad-object-status):
# deleted objects are readable by id but not as connections of a live node, and
# act_X/insights?level=ad leaves them out unless filtered with ad.effective_status; and Meta Ads
# Developer Blog "DELETED vs ARCHIVED" (https://developers.facebook.com/ads/blog/post/2014/09/24/deleted-vs-archived/):
# archived objects are not returned as edges without a status filter.
HIDDEN_STATUSES = ("ARCHIVED", "DELETED")
# The calendar span end days fall in, and the share of objects that end. An account's flagship
# campaign, and its first ad set and ad, never end, so every account keeps delivering.
END_SPAN = (date(2026, 6, 1), date(2027, 3, 31))
END_SHARE = {"campaign": 0.3, "adset": 0.25, "ad": 0.3}
DELETED_SHARE = 0.6  # the rest are archived


@dataclass(frozen=True)
class End:
    day: date  # first day without delivery; the status changes on that day
    status: str  # "ARCHIVED" or "DELETED"


def end_of(kind: str, flagship: bool, seed: int, object_id: str) -> End | None:
    """The object's own end, if it has one."""
    if flagship or unit("end", seed, object_id) >= END_SHARE[kind]:
        return None
    span = (END_SPAN[1] - END_SPAN[0]).days
    day = END_SPAN[0] + timedelta(days=int(h64("end-day", seed, object_id) % span))
    status = "DELETED" if unit("end-status", seed, object_id) < DELETED_SHARE else "ARCHIVED"
    return End(day, status)


def first_end(ends: Iterable[End | None]) -> End | None:
    """The end that stops delivery: the earliest of an object's own and its parents'."""
    real = [e for e in ends if e is not None]
    return min(real, key=lambda e: e.day) if real else None


def ended_status(ends: Iterable[End | None], today: date) -> str | None:
    """DELETED or ARCHIVED once any of the object's or its parents' ends has come (deleted wins:
    an archived object may still be deleted later, never the reverse)."""
    passed = {e.status for e in ends if e is not None and e.day <= today}
    if "DELETED" in passed:
        return "DELETED"
    return "ARCHIVED" if passed else None


def lifted_statuses(filters: Iterable[dict]) -> set[str]:
    """The hidden statuses a request asks for through an ``effective_status`` filter."""
    lifted: set[str] = set()
    for f in filters:
        if not isinstance(f, dict) or str(f.get("field", "")).split(".")[-1] != "effective_status":
            continue
        if str(f.get("operator")) in ("IN", "ANY", "EQUAL"):
            value = f.get("value")
            values = value if isinstance(value, list) else [value]
            lifted |= {str(v) for v in values} & set(HIDDEN_STATUSES)
    return lifted


def shown(status: str, lifted: set[str]) -> bool:
    return status not in HIDDEN_STATUSES or status in lifted
