"""Query parameters shared by the analytics endpoints, and how service errors become HTTP errors.

Lists accept a repeated parameter or a comma list (``account_id=1&account_id=2`` or
``account_id=1,2``; Meta's ``act_`` prefix is accepted too).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query, status
from sqlalchemy.orm import Session

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


@dataclass(frozen=True)
class FilterQuery:
    """The filter parameters as sent, before anything needs the database."""

    account_id: list[str] | None
    since: date | None
    until: date | None
    preset: str | None
    compare: CompareMode
    compare_since: date | None
    compare_until: date | None
    currency: str | None
    status: list[str] | None
    objective: list[str] | None
    search: str | None
    campaign_id: list[str] | None
    ad_set_id: list[str] | None


async def filter_query(  # async: pure parsing, no reason to hop to a worker thread
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
) -> FilterQuery:
    return FilterQuery(
        account_id, since, until, preset, compare, compare_since, compare_until, currency, status_,
        objective, search, campaign_id, ad_set_id,
    )  # fmt: skip


FilterQueryDep = Annotated[FilterQuery, Depends(filter_query)]


def resolve_filters(session: Session, user_id: int, q: FilterQuery) -> Filters:
    """Service Filters from the query; a preset (or no range) resolves in the account's time zone."""
    with service_errors():
        account_ids = [parse_account_id(a) for a in _split(q.account_id)]
        if q.preset is not None and (q.since or q.until):
            raise InvalidFilters("Give either preset or since/until, not both.")
        if (q.since is None) != (q.until is None):
            raise InvalidFilters("Give both since and until (or a preset).")
        since, until = q.since, q.until
        if since is None or until is None:
            today = account_today(session, user_id, account_ids)
            since, until = resolve_preset(q.preset or DEFAULT_PRESET, today)  # type: ignore[arg-type]
        return Filters(
            account_ids=account_ids,
            since=since,
            until=until,
            compare=q.compare,
            compare_since=q.compare_since,
            compare_until=q.compare_until,
            currency=q.currency,
            statuses=_split(q.status) or None,
            objectives=_split(q.objective) or None,
            search=q.search,
            campaign_ids=_ids(q.campaign_id, "campaign_id"),
            ad_set_ids=_ids(q.ad_set_id, "ad_set_id"),
        )


def get_filters(user: CurrentUser, session: SessionDep, query: FilterQueryDep) -> Filters:
    return resolve_filters(session, user.id, query)


FiltersDep = Annotated[Filters, Depends(get_filters)]
