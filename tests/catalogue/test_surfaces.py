"""Every surface shows every catalogued metric it should: API schemas and sorts, exports, alert
rules, formats and labels, and (with the analytics world) the overview cards, the campaigns table,
the trend and audience switches. A surface with its own hand-written list would fail here as soon
as the catalogue grows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest
from fastapi.testclient import TestClient
from nicegui import ui
from nicegui.testing import User

from tests.support import api_only_app
from tests.ui.conftest import World, open_as
from trafficdash.alerts import rules
from trafficdash.analytics.metrics import CATALOGUE, Metric, MetricCatalogue, Ratio, Totals
from trafficdash.analytics.schemas import (
    ENTITY_SORTS,
    KPI_KEYS,
    BreakdownRow,
    DailyPoint,
    Metrics,
    SortKey,
)
from trafficdash.i18n import LOCALES, t
from trafficdash.i18n.metric_format import format_metric
from trafficdash.reports.content import breakdown_columns, daily_columns, entity_columns
from trafficdash.ui.charts import js_formatter

ROOT = Path(__file__).resolve().parents[2]
ALL = CATALOGUE.keys()
FROM_SUMS = CATALOGUE.summable()


def test_the_catalogue_is_the_design_table() -> None:
    assert ALL == (
        "spend", "impressions", "reach", "frequency", "clicks", "link_clicks", "ctr", "cpc", "cpm",
        "conversions", "conversion_value", "cpa", "roas",
    )  # fmt: skip
    assert CATALOGUE.additive() == (
        "spend", "impressions", "clicks", "link_clicks", "conversions", "conversion_value",
    )  # fmt: skip
    assert {k for k in ALL if not CATALOGUE[k].higher_is_better} == {"frequency", "cpc", "cpm", "cpa"}
    assert set(ALL) - set(FROM_SUMS) == {"reach", "frequency"}  # reach is never a sum


def test_api_schemas_carry_every_metric_they_can() -> None:
    assert KPI_KEYS == ALL
    assert set(ALL) <= set(Metrics.model_fields)
    assert set(CATALOGUE.daily()) <= set(DailyPoint.model_fields)
    assert "frequency" not in DailyPoint.model_fields  # a day has no period reach to divide by
    assert set(FROM_SUMS) <= set(BreakdownRow.model_fields)
    assert ENTITY_SORTS == ("name", *FROM_SUMS) == get_args(SortKey)


def test_openapi_lists_the_metrics_and_sorts() -> None:
    schema = TestClient(api_only_app()).get("/openapi.json").json()
    components = schema["components"]["schemas"]
    assert set(ALL) <= set(components["Metrics"]["properties"])
    assert set(CATALOGUE.daily()) <= set(components["DailyPoint"]["properties"])
    assert set(FROM_SUMS) <= set(components["BreakdownRow"]["properties"])
    sort = next(p for p in schema["paths"]["/api/campaigns"]["get"]["parameters"] if p["name"] == "sort")
    assert sort["schema"]["enum"] == list(ENTITY_SORTS)


def test_exports_have_a_column_per_metric() -> None:
    for level in ("campaign", "adset", "ad"):
        keys = [c.key for c in entity_columns(level, "en", compare=True)]
        assert [k for k in keys if k in CATALOGUE] == list(ALL), level
    assert [c.key for c in daily_columns("en", False) if c.key in CATALOGUE] == list(CATALOGUE.daily())
    assert [c.key for c in breakdown_columns("en") if c.key in CATALOGUE] == list(FROM_SUMS)


def test_alert_rules_offer_the_catalogue_alert_metrics() -> None:
    assert CATALOGUE.on("alert") == rules.METRICS
    assert set(get_args(rules.RuleSpec.model_fields["metric"].annotation)) == set(rules.METRICS)
    assert {k for k in rules.METRICS if CATALOGUE[k].additive} == rules.ADDITIVE_METRICS


@pytest.mark.parametrize("key", ALL)
def test_every_metric_has_a_label_and_a_format(key: str) -> None:
    metric = CATALOGUE[key]
    for locale in LOCALES:
        assert t(metric.label_key, locale) != metric.label_key, (key, locale)
    value = Decimal("1234.5")
    text = format_metric(key, value, "USD", "en")
    js = js_formatter(key, "USD", "en")
    if metric.kind == "money":
        assert text == "$1,234.50" and '"currency": "USD"' in js
    elif metric.kind == "percent":
        assert text == "1,234.50%" and js.endswith('+ "%"')
    elif metric.kind == "ratio":
        assert text == "1,234.50" + metric.suffix
    else:
        assert text == ("1,234.50" if metric.fractional else "1,235")  # a count shows no decimals


def test_derived_metrics_follow_their_formula_and_no_value_rule() -> None:
    totals = Totals.from_rows([{"spend": Decimal("50"), "impressions": 1000, "clicks": 19}], reach=400)
    for key in ALL:
        formula = CATALOGUE[key].formula
        if formula is not None:
            expected = formula(totals.value(formula.numerator), totals.value(formula.denominator))
            assert totals.value(key) == expected, key
    assert totals.cpa is None and totals.frequency == Decimal("2.5") and totals.ctr == Decimal("1.9")


def test_the_catalogue_refuses_what_it_cannot_compute() -> None:
    reach = Metric("reach", "count", "volume", surfaces=frozenset({"card"}))
    catalogue = MetricCatalogue([Metric("spend", "money", "volume"), reach])
    with pytest.raises(ValueError, match="catalogued before"):
        catalogue.register(Metric("cpl", "money", "cost", formula=Ratio("spend", "leads")))
    with pytest.raises(ValueError, match="no reach"):
        catalogue.register(Metric("cpr", "money", "cost", formula=Ratio("spend", "reach")))
    catalogue.freeze()
    with pytest.raises(RuntimeError):
        catalogue.register(Metric("clicks", "count", "engagement"))
    with pytest.raises(RuntimeError):  # the app's schemas are built: the catalogue is closed
        CATALOGUE.register(Metric("leads", "count", "outcome"))


# ---- pages --------------------------------------------------------------------------------------


async def test_overview_has_a_card_per_card_metric(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:USD")
    await user.should_see(marker="kpi-grid")
    for key in CATALOGUE.on("card"):
        await user.should_see(marker=f"kpi-value-{key}")
        await user.should_see(t(CATALOGUE[key].label_key, "en"))
    trend = user.find(marker="trend-metric").elements.pop()
    assert isinstance(trend, ui.toggle)
    assert list(trend.options) == list(CATALOGUE.on("trend"))


async def test_campaigns_table_has_a_sortable_column_per_table_metric(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/campaigns", account_key="cur:USD")
    await user.should_see(marker="entity-table")
    table = user.find(marker="entity-table").elements.pop()
    assert isinstance(table, ui.table)
    columns = {c["name"]: c for c in table.columns}
    for key in CATALOGUE.on("table"):
        assert columns[key]["sortable"] and columns[key]["label"] == t(CATALOGUE[key].label_key, "en")
        assert all(key in row for row in table.rows)
    for key in CATALOGUE.on("compact"):
        await user.should_see(marker=f"total-{key}")


async def test_audience_switch_offers_the_compact_metrics(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/audience", account_key="cur:USD")
    await user.should_see(marker="heatmap-card")
    switch = user.find(marker="heatmap-metric").elements.pop()
    assert isinstance(switch, ui.toggle)
    assert list(switch.options) == list(CATALOGUE.on("compact"))
    countries = user.find(marker="country-table").elements.pop()
    assert isinstance(countries, ui.table)
    assert {c["name"] for c in countries.columns} >= set(CATALOGUE.on("compact"))


# ---- a new metric -------------------------------------------------------------------------------


def test_a_new_metric_is_one_entry_and_its_labels() -> None:
    """The plugin registers a conversion rate (one entry, two labels) before the app loads; the
    checks then find it on a KPI card, a table column, the API schema and answers, an Excel column.
    Its own pytest run: the schemas are built from the catalogue once, at import."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAFFICDASH_") or "_TEST_" in k}
    plugin = ["-p", "tests.catalogue.temporary_metric"]
    checks = "tests/catalogue/checks_with_temporary_metric.py"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin, checks],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert re.search(r"\b4 passed\b", result.stdout), result.stdout[-2000:]
