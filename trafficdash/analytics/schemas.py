"""What the analytics service takes (Filters) and answers (Summary, DailySeries, Breakdown, ...).

Money and ratios are ``Decimal`` (exact; JSON renders them as strings); ``None`` means
"no value" (a ratio with a zero denominator, or a reach Meta never gave us), shown as —.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from trafficdash.analytics.date_presets import previous_period
from trafficdash.analytics.errors import AccountNotFound, EntityNotFound, InvalidFilters
from trafficdash.analytics.metrics import CATALOGUE, Metric, Totals, change, is_good_change
from trafficdash.input_types import DataDate, DbId, Text

# Meta keeps 37 months of insights; a longer range can never be answered.
MAX_RANGE_DAYS = 1127

Number = Decimal | int
CompareMode = Literal["none", "previous", "custom"]
Dimension = Literal["placement", "device", "age_gender", "country"]
DIMENSIONS: tuple[str, ...] = ("placement", "device", "age_gender", "country")
Level = Literal["campaign", "adset", "ad"]
LEVELS: tuple[str, ...] = ("campaign", "adset", "ad")
SortOrder = Literal["asc", "desc"]

# The models below take their metric fields from the catalogue, built once at import.
CATALOGUE.freeze()

# Every KPI of a summary, in the order the overview shows them.
KPI_KEYS: tuple[str, ...] = CATALOGUE.keys()
# Sortable columns of the entity tables (what SQL computes from the summed parts).
ENTITY_SORTS: tuple[str, ...] = ("name", *CATALOGUE.summable())
# The same as a type, so the API's schema lists the choices (Literal[tuple] means Literal[*tuple]).
SortKey = Literal[ENTITY_SORTS]  # type: ignore[valid-type]


def _range_days(since: date, until: date) -> int:
    return (until - since).days + 1


def first_error(exc: ValidationError) -> str:
    """The first field error as a sentence: ``field: what is wrong`` (no pydantic doc link)."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


class Filters(BaseModel):
    """One question: which accounts, which days, which campaigns, compared with what.

    Construct it as ``Filters(...)``: any invalid combination raises ``InvalidFilters`` with a
    message fit to show the user.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Empty = every account the user can see (answers are grouped per currency).
    account_ids: list[DbId] = Field(default_factory=list)
    since: DataDate
    until: DataDate
    compare: CompareMode = "previous"
    compare_since: DataDate | None = None
    compare_until: DataDate | None = None
    # Only accounts in this currency (one of available_currencies()); None = all, grouped.
    currency: Text | None = None
    # Campaign effective_status values (ACTIVE, PAUSED, ...), campaign objectives.
    statuses: list[Text] | None = None
    objectives: list[Text] | None = None
    # Case-insensitive "name contains" on the level being listed (campaign names for totals).
    search: Text | None = None
    campaign_ids: list[DbId] | None = None
    ad_set_ids: list[DbId] | None = None

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise InvalidFilters(first_error(exc)) from None

    @field_validator("search")
    @classmethod
    def _blank_search_is_none(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        return value or None

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str | None) -> str | None:
        return value.strip().upper() or None if value else None

    @field_validator("statuses", "objectives")
    @classmethod
    def _upper_codes(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        codes = [v.strip().upper() for v in value if v.strip()]
        return codes or None

    @model_validator(mode="after")
    def _check_ranges(self) -> Filters:
        if self.until < self.since:
            raise ValueError(f"until ({self.until}) is before since ({self.since})")
        if _range_days(self.since, self.until) > MAX_RANGE_DAYS:
            raise ValueError(f"the date range is longer than {MAX_RANGE_DAYS} days (37 months)")
        if self.compare == "custom":
            if self.compare_since is None or self.compare_until is None:
                raise ValueError("a custom comparison needs both compare_since and compare_until")
            if self.compare_until < self.compare_since:
                raise ValueError(
                    f"compare_until ({self.compare_until}) is before compare_since ({self.compare_since})"
                )
            if _range_days(self.compare_since, self.compare_until) > MAX_RANGE_DAYS:
                raise ValueError(f"the comparison range is longer than {MAX_RANGE_DAYS} days (37 months)")
        return self

    @property
    def days(self) -> int:
        return _range_days(self.since, self.until)

    def comparison_range(self) -> tuple[date, date] | None:
        """The comparison period, or None when comparing is off."""
        if self.compare == "none":
            return None
        if self.compare == "custom":
            assert self.compare_since is not None and self.compare_until is not None
            return self.compare_since, self.compare_until
        return previous_period(self.since, self.until)

    def dates(self) -> list[date]:
        return [self.since + timedelta(days=i) for i in range(self.days)]


class KpiValue(BaseModel):
    key: str
    value: Number | None
    previous: Number | None = None
    change_abs: Decimal | None = None
    change_pct: Decimal | None = None
    higher_is_better: bool = True
    # Whether the change is good news (None when there is no change to judge).
    good: bool | None = None

    @classmethod
    def build(cls, key: str, value: Number | None, previous: Number | None = None) -> KpiValue:
        change_abs, change_pct = change(value, previous)
        metric = CATALOGUE.get(key)
        return cls(
            key=key,
            value=value,
            previous=previous,
            change_abs=change_abs,
            change_pct=change_pct,
            higher_is_better=metric.higher_is_better if metric else True,
            good=is_good_change(key, change_abs),
        )


def _field(metric: Metric) -> tuple[Any, Any]:
    """(type, default) of a metric's field: a sum is 0 when nothing ran, a ratio or reach None."""
    if metric.additive:
        exact = metric.kind == "count" and not metric.fractional
        return (int, 0) if exact else (Decimal, Decimal(0))
    if metric.is_reach:
        return int | None, None
    return Decimal | None, None


def _with_metrics(name: str, base: type[BaseModel], keys: tuple[str, ...], doc: str) -> Any:
    fields: Any = {k: _field(CATALOGUE[k]) for k in keys}
    return create_model(name, __base__=base, __doc__=doc, __module__=__name__, **fields)


class MetricValues(BaseModel):
    """Base of the models carrying catalogue metrics as fields (``row.spend``, ``row.ctr``)."""

    if TYPE_CHECKING:  # the fields come from the catalogue

        def __getattr__(self, key: str) -> Any: ...

    def value(self, key: str) -> Any:
        return getattr(self, key, None)


class _MetricsBase(MetricValues):
    # The period's own reach (PeriodReach) is None when Meta gave none for this range.
    reach_is_estimate: bool = False

    @classmethod
    def from_totals(cls, totals: Totals) -> Metrics:
        return cls(**totals.as_dict())  # type: ignore[return-value]


class _DailyPointBase(MetricValues):
    date: date


class _BreakdownRowBase(MetricValues):
    dimension: str
    value_1: str
    value_2: str = ""
    label: str
    # This row's spend / the breakdown's total spend, in percent (None when nothing was spent).
    share_of_spend: Decimal | None = None


if TYPE_CHECKING:
    Metrics = _MetricsBase
    DailyPoint = _DailyPointBase
    BreakdownRow = _BreakdownRowBase
else:
    Metrics = _with_metrics(
        "Metrics",
        _MetricsBase,
        CATALOGUE.keys(),
        "Additive sums of a period, its own reach and the ratios computed from them (metrics.Totals).",
    )
    # A day's reach is that day's own (a PeriodReach of one day) when Meta gave one, else None;
    # daily reach is never summed into a period reach, nor ad reach into account reach.
    DailyPoint = _with_metrics(
        "DailyPoint", _DailyPointBase, CATALOGUE.daily(), "One day's sums and the ratios of that day."
    )
    BreakdownRow = _with_metrics(
        "BreakdownRow", _BreakdownRowBase, CATALOGUE.summable(), "One segment of a breakdown (no reach)."
    )


class Summary(BaseModel):
    currency: str
    account_ids: list[int]
    since: date
    until: date
    compare_since: date | None = None
    compare_until: date | None = None
    kpis: dict[str, KpiValue]
    reach_is_estimate: bool = False


class SummaryResponse(BaseModel):
    # One group per currency: accounts in different currencies are never summed.
    groups: list[Summary]


class DailySeries(BaseModel):
    currency: str
    account_ids: list[int]
    # One point per day of the range (days without delivery are zeros), oldest first.
    points: list[DailyPoint]
    # The comparison period, aligned by day index: compare_points[i] pairs with points[i].
    compare_points: list[DailyPoint] = Field(default_factory=list)


class Breakdown(BaseModel):
    dimension: Dimension
    currency: str
    account_ids: list[int]
    # Biggest spend first.
    rows: list[BreakdownRow]


class Creative(BaseModel):
    title: str | None = None
    body: str | None = None
    image_url: str | None = None
    thumbnail_url: str | None = None


class MetricChange(BaseModel):
    change_abs: Decimal | None = None
    change_pct: Decimal | None = None
    good: bool | None = None


class EntityRow(BaseModel):
    level: Level
    id: int
    name: str
    account_id: int
    currency: str
    campaign_id: int | None = None
    ad_set_id: int | None = None
    status: str
    effective_status: str
    objective: str | None = None
    daily_budget: Decimal | None = None
    lifetime_budget: Decimal | None = None
    creative: Creative | None = None
    metrics: Metrics
    previous: Metrics | None = None
    # Per metric key (spend, ctr, cpa, ...): change vs the comparison period.
    changes: dict[str, MetricChange] = Field(default_factory=dict)


class CurrencyTotals(BaseModel):
    currency: str
    metrics: Metrics


class EntityPage(BaseModel):
    level: Level
    rows: list[EntityRow]
    total: int
    page: int
    page_size: int
    sort: str
    order: SortOrder
    # Totals of every matching row (all pages), one per currency.
    totals: list[CurrencyTotals]


class AccountStatus(BaseModel):
    id: int
    name: str
    currency: str
    timezone: str
    account_status: int
    # Aware (UTC); pages show it in the account's time zone, as its schedule is.
    last_synced_at: datetime | None = None
    # Hours since the last successful sync (None = never synced).
    freshness_hours: float | None = None
    # The signed-in user's Meta connection (connected / needs_reconnect / not_connected).
    connection_status: str
    latest_sync_status: str | None = None
    latest_sync_finished_at: datetime | None = None
    latest_sync_error: str | None = None


__all__ = [
    "DIMENSIONS",
    "ENTITY_SORTS",
    "KPI_KEYS",
    "LEVELS",
    "MAX_RANGE_DAYS",
    "AccountNotFound",
    "AccountStatus",
    "Breakdown",
    "BreakdownRow",
    "CompareMode",
    "Creative",
    "CurrencyTotals",
    "DailyPoint",
    "DailySeries",
    "Dimension",
    "EntityNotFound",
    "EntityPage",
    "EntityRow",
    "Filters",
    "InvalidFilters",
    "KpiValue",
    "Level",
    "MetricChange",
    "MetricValues",
    "Metrics",
    "SortKey",
    "Summary",
    "SummaryResponse",
]
