"""The metric catalogue: what every metric is, written once, and the formulas marketers must trust.

Each :class:`Metric` says how it reads (kind, decimals, suffix), whether a rise is good news,
how it is computed (a stored additive sum, the period's reach, or a ratio of the period's
summed parts) and on which screens it appears. KPI cards, tables, chart switches, API schemas,
exports and alert rules iterate :data:`CATALOGUE`; adding a metric is one entry here plus its
``kpi.<key>`` label in each language.

Every ratio is computed from summed parts (never by averaging daily ratios) and a zero or
missing denominator gives ``None`` ("no value", shown as —), never 0 or infinity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Number = Decimal | int

ONE = Decimal(1)
HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)

MetricKind = Literal["count", "money", "percent", "ratio"]
# The family a metric belongs to (the KPI cards' accent colour): volume, engagement, cost, outcome.
MetricGroup = Literal["volume", "engagement", "cost", "outcome"]
# Screens that show a chosen subset: overview cards, entity tables (and drill-down cards), the trend
# switch, compact lists (campaign totals, audience heatmap and countries), alert rules. Exports,
# the API and sorting take every metric they can compute.
Surface = Literal["card", "table", "trend", "compact", "alert"]
ALL_SURFACES: frozenset[Surface] = frozenset(("card", "table", "trend", "compact", "alert"))


def _dec(value: Number | str | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("metric formulas take Decimal or int, not float (money must stay exact)")
    return Decimal(value)


def ratio(numerator: Number | None, denominator: Number | None, scale: Decimal = ONE) -> Decimal | None:
    """numerator / denominator x scale, or None when the denominator is zero or missing."""
    num, den = _dec(numerator), _dec(denominator)
    if num is None or den is None or den == 0:
        return None
    return num * scale / den


@dataclass(frozen=True, slots=True)
class Ratio:
    """numerator / denominator x scale, both parts taken from the same period's sums (or reach)."""

    numerator: str
    denominator: str
    scale: Decimal = ONE

    def __call__(self, numerator: Number | None, denominator: Number | None) -> Decimal | None:
        return ratio(numerator, denominator, self.scale)

    def of(self, parts: Mapping[str, Any]) -> Decimal | None:
        return self(parts.get(self.numerator), parts.get(self.denominator))


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    kind: MetricKind
    group: MetricGroup
    # Whether a rise is good news (drives the green/red colour of a change).
    higher_is_better: bool = True
    # None: an additive sum stored per day (or, for reach, the period's own reach).
    formula: Ratio | None = None
    # Decimals shown (money always uses its currency's own decimals).
    decimals: int = 2
    suffix: str = ""
    # A count Meta may report with fractions (conversions of some action types).
    fractional: bool = False
    surfaces: frozenset[Surface] = ALL_SURFACES

    @property
    def label_key(self) -> str:
        return f"kpi.{self.key}"

    @property
    def is_reach(self) -> bool:
        return self.key == REACH

    @property
    def additive(self) -> bool:
        """A stored daily sum: may be summed across days and entities (reach may not)."""
        return self.formula is None and not self.is_reach

    def on(self, surface: Surface) -> bool:
        return surface in self.surfaces


REACH = "reach"


class MetricCatalogue:
    """The metrics in reading order. Metrics are registered before the API schemas are built (at
    import of ``trafficdash.analytics.schemas``), which freezes the catalogue."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        self._metrics: dict[str, Metric] = {}
        self._frozen = False
        # Derived key lists, asked for per row by exports: computed once per catalogue state.
        self._cached: dict[object, Any] = {}
        for metric in metrics:
            self.register(metric)

    def register(self, metric: Metric) -> Metric:
        if self._frozen:
            raise RuntimeError("register metrics before trafficdash.analytics.schemas is imported")
        if metric.key in self._metrics:
            raise ValueError(f"metric {metric.key!r} is already catalogued")
        for part in (metric.formula.numerator, metric.formula.denominator) if metric.formula else ():
            if part not in self._metrics:
                raise ValueError(
                    f"{metric.key}: {part!r} must be catalogued before the metrics built from it"
                )
        if metric.surfaces & {"trend", "compact"} and not self.from_sums(metric):
            raise ValueError(
                f"{metric.key}: daily trends and breakdowns (compact lists) have no reach to compute it from"
            )
        self._metrics[metric.key] = metric
        self._cached.clear()
        return metric

    def freeze(self) -> None:
        self._frozen = True

    def __iter__(self) -> Iterator[Metric]:
        return iter(self._metrics.values())

    def __getitem__(self, key: str) -> Metric:
        return self._metrics[key]

    def __contains__(self, key: object) -> bool:
        return key in self._metrics

    def get(self, key: str) -> Metric | None:
        return self._metrics.get(key)

    def _once(self, name: object, build: Callable[[], Any]) -> Any:
        if name not in self._cached:
            self._cached[name] = build()
        return self._cached[name]

    def keys(self) -> tuple[str, ...]:
        return self._once("keys", lambda: tuple(self._metrics))

    def on(self, surface: Surface) -> tuple[str, ...]:
        """Keys of the metrics a screen shows, in catalogue order."""
        return self._once(surface, lambda: tuple(m.key for m in self if m.on(surface)))

    def additive(self) -> tuple[str, ...]:
        """The stored daily sums (columns of insights and rollups)."""
        return self._once("additive", lambda: tuple(m.key for m in self if m.additive))

    def exact_counts(self) -> frozenset[str]:
        """Additive metrics that are whole numbers (int); the other sums are Decimal."""
        return self._once(
            "exact",
            lambda: frozenset(m.key for m in self if m.additive and m.kind == "count" and not m.fractional),
        )

    def derived(self) -> tuple[tuple[str, Ratio], ...]:
        """(key, formula) of the computed metrics; parts always come first (see register)."""
        return self._once("derived", lambda: tuple((m.key, m.formula) for m in self if m.formula))

    def from_sums(self, metric: Metric) -> bool:
        """Computable from summed parts alone (so per day, per breakdown row and in SQL): not reach
        and nothing built on reach."""
        if metric.is_reach:
            return False
        return metric.formula is None or all(
            self.from_sums(self._metrics[p]) for p in (metric.formula.numerator, metric.formula.denominator)
        )

    def summable(self) -> tuple[str, ...]:
        """Keys computable from sums: entity table sorts, changes, breakdown rows."""
        return self._once("summable", lambda: tuple(m.key for m in self if self.from_sums(m)))

    def daily(self) -> tuple[str, ...]:
        """Keys a daily point carries: everything computable from sums, plus the day's own reach."""
        return self._once("daily", lambda: tuple(m.key for m in self if self.from_sums(m) or m.is_reach))


_NOT_COMPACT: frozenset[Surface] = ALL_SURFACES - {"compact"}

CATALOGUE = MetricCatalogue(
    (
        Metric("spend", "money", "volume"),
        Metric("impressions", "count", "volume", decimals=0),
        Metric(REACH, "count", "volume", decimals=0, surfaces=frozenset({"card"})),
        Metric(
            "frequency",
            "ratio",
            "volume",
            higher_is_better=False,
            formula=Ratio("impressions", REACH),
            surfaces=frozenset({"card", "alert"}),
        ),
        Metric("clicks", "count", "engagement", decimals=0),
        Metric("link_clicks", "count", "engagement", decimals=0, surfaces=frozenset()),
        Metric("ctr", "percent", "engagement", formula=Ratio("clicks", "impressions", HUNDRED)),
        Metric("cpc", "money", "cost", False, Ratio("spend", "clicks"), surfaces=_NOT_COMPACT),
        Metric("cpm", "money", "cost", False, Ratio("spend", "impressions", THOUSAND), surfaces=_NOT_COMPACT),
        Metric("conversions", "count", "outcome", decimals=0, fractional=True),
        Metric("conversion_value", "money", "outcome", surfaces=frozenset({"card"})),
        Metric("cpa", "money", "cost", False, Ratio("spend", "conversions")),
        Metric("roas", "ratio", "outcome", formula=Ratio("conversion_value", "spend"), suffix="x"),
    )
)

# The design's named formulas ("Numbers marketers must be able to trust"), from the catalogue.
ctr = CATALOGUE["ctr"].formula
cpc = CATALOGUE["cpc"].formula
cpm = CATALOGUE["cpm"].formula
cpa = CATALOGUE["cpa"].formula
roas = CATALOGUE["roas"].formula
frequency = CATALOGUE["frequency"].formula


class _HigherIsBetter(Mapping[str, bool]):
    """Metric key -> whether a rise is good news, read from the catalogue."""

    def __getitem__(self, key: str) -> bool:
        return CATALOGUE[key].higher_is_better

    def __iter__(self) -> Iterator[str]:
        return iter(CATALOGUE.keys())

    def __len__(self) -> int:
        return len(CATALOGUE.keys())


HIGHER_IS_BETTER: Mapping[str, bool] = _HigherIsBetter()


@dataclass(frozen=True, slots=True)
class Totals:
    """Summed additive parts of a period (by metric key) and the period's own reach (not a sum);
    every other metric is computed from them by its catalogue formula."""

    sums: Mapping[str, Number] = field(default_factory=dict)
    reach: int | None = None
    reach_is_estimate: bool = False

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, Any]], reach: int | None = None, reach_is_estimate: bool = False
    ) -> Totals:
        keys = CATALOGUE.additive()
        sums: dict[str, Any] = dict.fromkeys(keys, 0)
        for row in rows:
            for key in keys:
                sums[key] += row.get(key) or 0
        whole = CATALOGUE.exact_counts()
        return cls(
            {k: int(v) if k in whole else Decimal(v) for k, v in sums.items()}, reach, reach_is_estimate
        )

    def value(self, key: str) -> Number | None:
        if key == REACH:
            return self.reach
        if key in self.sums:
            return self.sums[key]
        formula = CATALOGUE[key].formula
        if formula is None:
            raise KeyError(key)
        return formula(self.value(formula.numerator), self.value(formula.denominator))

    def __getattr__(self, key: str) -> Number | None:
        # Read a metric as an attribute (totals.spend, totals.ctr), like the API's models.
        if key in CATALOGUE:
            return self.value(key)
        raise AttributeError(key)

    def computed(self) -> dict[str, Number | None]:
        """Every catalogued metric, in one pass (a formula's parts are computed before it)."""
        out: dict[str, Number | None] = {**self.sums, REACH: self.reach}
        for key, formula in CATALOGUE.derived():
            out[key] = formula(out[formula.numerator], out[formula.denominator])
        return out

    def values(self, keys: Iterable[str]) -> dict[str, Number | None]:
        computed = self.computed()
        return {k: computed[k] for k in keys}

    def as_dict(self) -> dict[str, Any]:
        return {**self.computed(), "reach_is_estimate": self.reach_is_estimate}


def is_good_change(key: str, change_abs: Decimal | None) -> bool | None:
    """Whether a change of the metric is good news; None when there is no change to judge."""
    metric = CATALOGUE.get(key)
    return None if not change_abs else (change_abs > 0) == (metric.higher_is_better if metric else True)


def change(current: Number | None, previous: Number | None) -> tuple[Decimal | None, Decimal | None]:
    """Absolute and percent change; percent is None when the previous value is zero or missing."""
    cur, prev = _dec(current), _dec(previous)
    if cur is None or prev is None:
        return None, None
    return cur - prev, ratio(cur - prev, prev, HUNDRED)
