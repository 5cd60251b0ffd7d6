"""The campaigns / ad sets / ads table: server-side sort and pagination (the service pages the
rows), status badges, budget, KPIs and the spend change. Cells are formatted server-side from
Decimals so the table shows exactly what the API answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.analytics.schemas import EntityPage, EntityRow
from trafficdash.i18n import format_change_percent, format_money, t, tn
from trafficdash.i18n.metric_format import format_metric
from trafficdash.ui.components.table_texts import localize_table

TABLE_METRICS = CATALOGUE.on("table")
PAGE_SIZES = (10, 25, 50, 100)

OnRequest = Callable[[str, str, int, int], Awaitable[None]]

_STATUS_TONE = {
    "ACTIVE": "active",
    "PAUSED": "paused",
    "CAMPAIGN_PAUSED": "paused",
    "ADSET_PAUSED": "paused",
    "WITH_ISSUES": "error",
    "DISAPPROVED": "error",
}


def status_tone(effective_status: str) -> str:
    return _STATUS_TONE.get(effective_status, "off")


def status_badge(effective_status: str, locale: str) -> ui.label:
    label = t(f"status.{effective_status}", locale, default=effective_status.replace("_", " ").title())
    return ui.label(label).classes(f"td-status td-status-{status_tone(effective_status)}")


def drill_href(row: EntityRow) -> str | None:
    if row.level == "campaign":
        return f"/campaigns/{row.id}"
    if row.level == "adset":
        return f"/adsets/{row.id}"
    return f"/ads/{row.id}"


def budget_text(row: EntityRow, locale: str) -> str:
    # Meta reports 0 for the budget level that is not in use (e.g. a campaign budgeted per ad set).
    if row.daily_budget:
        return t("budget.daily", locale, amount=format_money(row.daily_budget, row.currency, locale))
    if row.lifetime_budget:
        return t("budget.lifetime", locale, amount=format_money(row.lifetime_budget, row.currency, locale))
    return t("budget.none", locale)


def table_row(row: EntityRow, locale: str, open_alerts: int = 0) -> dict[str, Any]:
    m = row.metrics
    spend_change = row.changes.get("spend")
    out: dict[str, Any] = {
        "id": str(row.id),
        "name": row.name,
        "href": drill_href(row),
        "alerts": open_alerts,
        "alerts_title": tn("alerts.open_count", open_alerts, locale) if open_alerts else "",
        "status": t(f"status.{row.effective_status}", locale, default=row.effective_status.title()),
        "tone": status_tone(row.effective_status),
        "budget": budget_text(row, locale),
        "spend_change": (
            format_change_percent(spend_change.change_pct, locale)
            if spend_change and spend_change.change_pct is not None
            else ""
        ),
        "spend_change_tone": (
            "neutral"
            if not spend_change or spend_change.good is None
            else "good"
            if spend_change.good
            else "bad"
        ),
    }
    for key in TABLE_METRICS:
        out[key] = format_metric(key, getattr(m, key), row.currency, locale)
    return out


def _columns(locale: str, compare: bool) -> list[dict[str, Any]]:
    cols: list[dict[str, Any]] = [
        {"name": "name", "label": t("col.name", locale), "field": "name", "align": "left", "sortable": True},
        {"name": "status", "label": t("col.status", locale), "field": "status", "align": "left"},
        {"name": "budget", "label": t("col.budget", locale), "field": "budget", "align": "right"},
    ]
    for key in TABLE_METRICS:
        cols.append(
            {
                "name": key,
                "label": t(CATALOGUE[key].label_key, locale),
                "field": key,
                "align": "right",
                "sortable": True,
            }
        )
        if key == "spend" and compare:
            cols.append({"name": "spend_change", "label": "Δ", "field": "spend_change", "align": "right"})
    return cols


class EntityTable:
    def __init__(
        self,
        page: EntityPage,
        locale: str,
        on_request: OnRequest,
        *,
        compare: bool,
        alert_counts: dict[int, int] | None = None,
    ) -> None:
        self.locale = locale
        self.on_request = on_request
        self.alert_counts = alert_counts or {}  # open alerts per entity id (a badge by the name)
        self.table = (
            ui.table(
                rows=self._rows(page),
                columns=_columns(locale, compare),
                row_key="id",
                pagination=self._pagination(page),
            )
            .props("flat dark dense binary-state-sort :rows-per-page-options='[10,25,50,100]'")
            .classes("td-table w-full")
            .mark("entity-table")
        )
        localize_table(self.table, locale)
        self.table.add_slot(
            "body-cell-name",
            r"""<q-td :props="props" class="td-name-cell">
                  <a :href="props.row.href" class="td-entity-link">{{ props.value }}</a>
                  <a v-if="props.row.alerts" href="/alerts" class="no-underline q-ml-xs"
                     :title="props.row.alerts_title"><q-badge color="negative" rounded>
                    <q-icon name="notifications_active" size="12px" class="q-mr-xs" />{{ props.row.alerts }}
                  </q-badge></a>
                </q-td>""",
        )
        self.table.add_slot(
            "body-cell-status",
            r"""<q-td :props="props"><span :class="'td-status td-status-' + props.row.tone">{{ props.value }}</span>
                </q-td>""",
        )
        self.table.add_slot(
            "body-cell-spend_change",
            r"""<q-td :props="props"><span v-if="props.value"
                  :class="'td-badge td-badge-' + props.row.spend_change_tone">{{ props.value }}</span></q-td>""",
        )
        self.table.on("request", self._requested)

    @staticmethod
    def _pagination(page: EntityPage) -> dict[str, Any]:
        return {
            "sortBy": page.sort,
            "descending": page.order == "desc",
            "page": page.page,
            "rowsPerPage": page.page_size,
            "rowsNumber": page.total,
        }

    async def _requested(self, event: Any) -> None:
        pagination = (event.args or {}).get("pagination", {})
        sort = pagination.get("sortBy") or "spend"
        order = "desc" if pagination.get("descending", True) else "asc"
        page = max(1, int(pagination.get("page") or 1))
        size = int(pagination.get("rowsPerPage") or 25)
        size = size if size in PAGE_SIZES else 25
        await self.on_request(sort, order, page, size)

    def _rows(self, page: EntityPage) -> list[dict[str, Any]]:
        return [table_row(r, self.locale, self.alert_counts.get(r.id, 0)) for r in page.rows]

    def show(self, page: EntityPage) -> None:
        self.table.rows = self._rows(page)
        self.table.pagination = self._pagination(page)
        self.table.update()
