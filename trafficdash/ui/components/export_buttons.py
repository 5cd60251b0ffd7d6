"""Excel and CSV buttons that export exactly what a page shows (its current Filters).

Small exports download at once; a large one is queued for a worker and the user is pointed to
the Reports page, where its progress shows and the file is offered when ready.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from trafficdash.analytics.errors import AccountNotFound, EntityNotFound, InvalidFilters
from trafficdash.analytics.schemas import Filters
from trafficdash.auth.current import signed_in_user_id
from trafficdash.i18n import current_locale, t
from trafficdash.i18n.formatting import format_number
from trafficdash.reports.spec import ReportSpec
from trafficdash.services import reports
from trafficdash.ui.io import load


async def export(
    filters: Filters | None, fmt: str, level: str = "campaign", breakdowns: list[str] | None = None
) -> None:
    """Download now, or queue and say where to find it."""
    if filters is None:  # the page could not answer its filters either (it already said why)
        return
    user_id = signed_in_user_id()
    if user_id is None:
        ui.notify(t("reports.sign_in_again"), type="warning")
        return
    spec = ReportSpec(
        filters=filters, format=fmt, level=level, breakdowns=breakdowns or [], locale=current_locale()
    )  # type: ignore[arg-type]
    try:
        # Off the event loop: a workbook of thousands of rows must not freeze the other browsers.
        result = await load(reports.export, user_id, spec)
    except (AccountNotFound, EntityNotFound, InvalidFilters) as exc:
        ui.notify(str(exc), type="negative")
        return
    if isinstance(result, reports.Queued):
        ui.notify(t("reports.queued", rows=format_number(result.rows), id=result.report_id), type="info")
        return
    ui.download.content(result.content, result.file_name, media_type=result.media_type)


def export_buttons(get_filters: Callable[[], Filters | None], level: str = "campaign") -> None:
    """Two buttons; ``get_filters`` is called on click, so the export follows the page's state."""
    with ui.row().classes("gap-2 items-center").mark("export-buttons"):
        ui.button("Excel", icon="table_view", on_click=lambda: export(get_filters(), "xlsx", level)).props(
            "outline no-caps dense"
        ).mark("export-excel")
        ui.button("CSV", icon="download", on_click=lambda: export(get_filters(), "csv", level)).props(
            "outline no-caps dense"
        ).mark("export-csv")
