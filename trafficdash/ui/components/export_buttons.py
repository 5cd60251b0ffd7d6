"""Excel and CSV buttons that export exactly what a page shows (its current Filters).

Small exports download at once; a large one is queued for a worker and the user is pointed to
the Reports page, where its progress shows and the file is offered when ready.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from trafficdash import db
from trafficdash.analytics.errors import AccountNotFound, EntityNotFound, InvalidFilters
from trafficdash.analytics.schemas import Filters
from trafficdash.auth.current import signed_in_user_id
from trafficdash.i18n import current_locale, t
from trafficdash.i18n.formatting import format_number
from trafficdash.reports import service
from trafficdash.reports.spec import ReportSpec


def export(
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
        with db.session_scope() as session:
            rows = service.estimate_rows(session, user_id, spec)
            if rows > service.SYNC_ROW_LIMIT:
                report = service.request_report(session, user_id, spec, rows_total=rows)
                ui.notify(t("reports.queued", rows=format_number(rows), id=report.id), type="info")
                return
            data = service.render_now(session, user_id, spec)
    except (AccountNotFound, EntityNotFound, InvalidFilters) as exc:
        ui.notify(str(exc), type="negative")
        return
    ui.download.content(data, service.download_name(spec), media_type=service.MEDIA_TYPES[fmt])


def export_buttons(get_filters: Callable[[], Filters | None], level: str = "campaign") -> None:
    """Two buttons; ``get_filters`` is called on click, so the export follows the page's state."""
    with ui.row().classes("gap-2 items-center").mark("export-buttons"):
        ui.button("Excel", icon="table_view", on_click=lambda: export(get_filters(), "xlsx", level)).props(
            "outline no-caps dense"
        ).mark("export-excel")
        ui.button("CSV", icon="download", on_click=lambda: export(get_filters(), "csv", level)).props(
            "outline no-caps dense"
        ).mark("export-csv")
