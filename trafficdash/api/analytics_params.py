"""Query parameters shared by the analytics endpoints, and how service errors become HTTP errors.

Lists accept a repeated parameter or a comma list (``account_id=1&account_id=2`` or
``account_id=1,2``; Meta's ``act_`` prefix is accepted too).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query, status

from trafficdash.analytics.date_presets import PresetName, resolve_preset
from trafficdash.analytics.errors import AccountNotFound, EntityNotFound, InvalidFilters
from trafficdash.analytics.schemas import CompareMode, Filters
from trafficdash.analytics.service import account_today
from trafficdash.api.deps import CurrentUser, SessionDep
from trafficdash.auth.access import parse_account_id

DEFAULT_PRESET = "last_30d"


@contextmanager
def service_errors() -> Iterator[None]:
    """Unknown or foreign ids -> 404 (the same answer whether they exist or not); bad filters -> 422."""
    try:
        yield
    except (AccountNotFound, EntityNotFound) as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    except InvalidFilters as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for v in values or [] for part in v.split(",") if part.strip()]


def _ids(values: list[str] | None, name: str) -> list[int] | None:
    parts = _split(values)
    if not parts:
        return None
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise InvalidFilters(f"{name} must be numeric ids, got {', '.join(parts)!r}") from None


ListParam = Annotated[list[str] | None, Query()]


def get_filters(
    user: CurrentUser,
    session: SessionDep,
    account_id: Annotated[
        list[str] | None, Query(description="Ad account id(s): repeat or comma-separate; default all yours")
    ] = None,
    since: Annotated[date | None, Query(description="First day (account time zone), YYYY-MM-DD")] = None,
    until: Annotated[date | None, Query(description="Last day, inclusive")] = None,
    preset: Annotated[
        PresetName | None, Query(description="Named range instead of since/until (default last_30d)")
    ] = None,
    compare: Annotated[CompareMode, Query(description="Comparison period")] = "previous",
    compare_since: date | None = None,
    compare_until: date | None = None,
    currency: Annotated[str | None, Query(description="Only accounts in this currency")] = None,
    status_: Annotated[
        list[str] | None, Query(alias="status", description="Campaign effective status(es)")
    ] = None,
    objective: Annotated[list[str] | None, Query(description="Campaign objective(s)")] = None,
    search: Annotated[str | None, Query(max_length=200, description="Name contains")] = None,
    campaign_id: Annotated[list[str] | None, Query(description="Drill down into campaign(s)")] = None,
    ad_set_id: Annotated[list[str] | None, Query(description="Drill down into ad set(s)")] = None,
) -> Filters:
    with service_errors():
        account_ids = [parse_account_id(a) for a in _split(account_id)]
        if preset is not None and (since or until):
            raise InvalidFilters("Give either preset or since/until, not both.")
        if (since is None) != (until is None):
            raise InvalidFilters("Give both since and until (or a preset).")
        if since is None or until is None:
            today = account_today(session, user.id, account_ids)
            since, until = resolve_preset(preset or DEFAULT_PRESET, today)
        return Filters(
            account_ids=account_ids,
            since=since,
            until=until,
            compare=compare,
            compare_since=compare_since,
            compare_until=compare_until,
            currency=currency,
            statuses=_split(status_) or None,
            objectives=_split(objective) or None,
            search=search,
            campaign_ids=_ids(campaign_id, "campaign_id"),
            ad_set_ids=_ids(ad_set_id, "ad_set_id"),
        )


FiltersDep = Annotated[Filters, Depends(get_filters)]
