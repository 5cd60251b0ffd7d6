"""Excel and CSV exports with the dashboard's filters, report records and scheduled reports.

``/reports/export/excel`` and ``/reports/export/csv`` take exactly the analytics query
parameters (plus level, breakdown, locale): an export up to ``SYNC_ROW_LIMIT`` rows is answered
at once (CSV as a stream); a larger one is queued for a worker and answers 202 with the
report's id and where to follow its progress and download it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from trafficdash.analytics.schemas import DIMENSIONS, ENTITY_SORTS, SortOrder, first_error
from trafficdash.api.analytics_params import FiltersDep, service_errors
from trafficdash.api.deps import CurrentUser, PathId, SessionDep
from trafficdash.models import ReportFile, ScheduledReport
from trafficdash.reports import schedules
from trafficdash.reports import service as reports
from trafficdash.reports.spec import ReportLevel, ReportSpec

router = APIRouter(prefix="/reports", tags=["reports"])

NOT_FOUND = {404: {"description": "A report, schedule or ad account you cannot see (or that does not exist)"}}


class ReportOut(BaseModel):
    id: int
    title: str
    format: str
    status: str
    percent: int
    rows_done: int
    rows_total: int
    size_bytes: int | None
    error: str | None
    created_at: Any
    finished_at: Any
    expires_at: Any
    scheduled_report_id: int | None
    progress_url: str
    download_url: str | None

    @classmethod
    def of(cls, r: ReportFile) -> ReportOut:
        return cls(
            id=r.id,
            title=r.title,
            format=r.format,
            status=r.status,
            percent=r.percent,
            rows_done=r.rows_done,
            rows_total=r.rows_total,
            size_bytes=r.size_bytes,
            error=r.error,
            created_at=r.created_at,
            finished_at=r.finished_at,
            expires_at=r.expires_at,
            scheduled_report_id=r.scheduled_report_id,
            progress_url=f"/api/reports/{r.id}",
            download_url=f"/api/reports/{r.id}/download" if r.status == "ready" else None,
        )


class ScheduleOut(BaseModel):
    id: int
    name: str
    spec: dict[str, Any]
    frequency: str
    weekday: int
    day_of_month: int
    hour: int
    email_to: list[str]
    keep_on_page: bool
    enabled: bool
    next_run_at: Any
    timezone: str = Field(description="The schedule's weekday, day and hour are wall-clock time here")
    last_run_at: Any
    last_report_id: int | None
    last_error: str | None

    @classmethod
    def of(cls, s: ScheduledReport, session: Session) -> ScheduleOut:
        return cls(
            id=s.id,
            name=s.name,
            spec=s.spec,
            frequency=s.frequency,
            weekday=s.weekday,
            day_of_month=s.day_of_month,
            hour=s.hour,
            email_to=[a.strip() for a in (s.email_to or "").split(",") if a.strip()],
            keep_on_page=s.keep_on_page,
            enabled=s.enabled,
            next_run_at=s.next_run_at,
            timezone=schedules.row_zone(session, s).key,
            last_run_at=s.last_run_at,
            last_report_id=s.last_report_id,
            last_error=s.last_error,
        )


def _split(values: list[str] | None) -> list[str]:
    return [p.strip() for v in values or [] for p in v.split(",") if p.strip()]


def _export(
    user: CurrentUser,
    session: SessionDep,
    filters: FiltersDep,
    fmt: str,
    level: ReportLevel,
    breakdown: list[str] | None,
    locale: str,
    sort: str,
    order: SortOrder,
    bom: bool,
) -> Response:
    with service_errors():
        dims = _split(breakdown)
        unknown = [d for d in dims if d not in DIMENSIONS]
        if unknown:
            raise HTTPException(
                422, detail=f"Unknown breakdown {unknown[0]!r}; use one of: {', '.join(DIMENSIONS)}."
            )
        if sort not in ENTITY_SORTS:
            raise HTTPException(
                422, detail=f"Cannot sort by {sort!r}; use one of: {', '.join(ENTITY_SORTS)}."
            )
        try:
            spec = ReportSpec(
                filters=filters, format=fmt, level=level, breakdowns=dims, locale=locale, sort=sort, order=order,
                csv_bom=bom,
            )  # fmt: skip
        except ValidationError as exc:
            raise HTTPException(422, detail=first_error(exc)) from None
        rows = reports.estimate_rows(session, user.id, spec)
        if rows > reports.SYNC_ROW_LIMIT:
            report = reports.request_report(session, user.id, spec, rows_total=rows)
            return JSONResponse(
                ReportOut.of(report).model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED
            )
        name = reports.download_name(spec)
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if fmt == "csv":
            return StreamingResponse(
                reports.stream_csv(user.id, spec), media_type=reports.MEDIA_TYPES["csv"], headers=headers
            )
        data = reports.render_now(session, user.id, spec)
        return Response(data, media_type=reports.MEDIA_TYPES["xlsx"], headers=headers)


LevelQ = Annotated[ReportLevel, Query(description="account, campaign, adset or ad (the deepest table)")]
BreakdownQ = Annotated[list[str] | None, Query(description=f"Breakdown sheet(s): {', '.join(DIMENSIONS)}")]
LocaleQ = Annotated[str, Query(pattern="^(en|pt[-_]?BR|pt)$", description="en or pt-BR headers and formats")]
SortQ = Annotated[str, Query(description="Entity sort key, as on the Campaigns table")]


def _file_responses(*formats: str) -> dict[int | str, dict[str, Any]]:
    """The 200 of a file download, in the media types it is sent as (not JSON)."""
    content = {
        reports.MEDIA_TYPES[f].split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
        for f in formats
    }
    return {200: {"description": "The file, as an attachment", "content": content}}


def _export_responses(fmt: str) -> dict[int | str, dict[str, Any]]:
    return {
        **_file_responses(fmt),
        **NOT_FOUND,
        202: {"description": "Large export: queued for a worker", "model": ReportOut},
    }


@router.get(
    "/export/excel",
    summary="Excel workbook of the dashboard's filters",
    response_class=Response,
    responses=_export_responses("xlsx"),
)
def export_excel(
    user: CurrentUser,
    session: SessionDep,
    filters: FiltersDep,
    level: LevelQ = "campaign",
    breakdown: BreakdownQ = None,
    locale: LocaleQ = "en",
    sort: SortQ = "spend",
    order: SortOrder = "desc",
) -> Response:
    return _export(user, session, filters, "xlsx", level, breakdown, locale, sort, order, True)


@router.get(
    "/export/csv",
    summary="CSV of one table of the dashboard's filters",
    response_class=Response,
    responses=_export_responses("csv"),
)
def export_csv(
    user: CurrentUser,
    session: SessionDep,
    filters: FiltersDep,
    level: LevelQ = "campaign",
    breakdown: BreakdownQ = None,
    locale: LocaleQ = "en",
    sort: SortQ = "spend",
    order: SortOrder = "desc",
    bom: Annotated[bool, Query(description="UTF-8 byte order mark (for Excel)")] = True,
) -> Response:
    return _export(user, session, filters, "csv", level, breakdown, locale, sort, order, bom)


@router.get("", response_model=list[ReportOut], summary="Your recent reports")
def list_reports(user: CurrentUser, session: SessionDep) -> list[ReportOut]:
    return [ReportOut.of(r) for r in reports.list_reports(session, user.id)]


# ---- scheduled reports (before /{report_id}, which would swallow "schedules") ----------------


def _not_found(exc: Exception) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc))


@router.get("/schedules", response_model=list[ScheduleOut], summary="Your scheduled reports")
def list_schedules(user: CurrentUser, session: SessionDep) -> list[ScheduleOut]:
    return [ScheduleOut.of(s, session) for s in schedules.list_schedules(session, user.id)]


@router.post("/schedules", response_model=ScheduleOut, status_code=201, responses=NOT_FOUND)
def create_schedule(user: CurrentUser, session: SessionDep, body: schedules.ScheduleIn) -> ScheduleOut:
    with service_errors():
        row = schedules.create_schedule(session, user.id, body)
    schedules.register_tick()
    return ScheduleOut.of(row, session)


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut, responses=NOT_FOUND)
def get_schedule(user: CurrentUser, session: SessionDep, schedule_id: PathId) -> ScheduleOut:
    try:
        return ScheduleOut.of(schedules.get_schedule(session, user.id, schedule_id), session)
    except schedules.ScheduleNotFound as exc:
        raise _not_found(exc) from None


@router.put("/schedules/{schedule_id}", response_model=ScheduleOut, responses=NOT_FOUND)
def update_schedule(
    user: CurrentUser, session: SessionDep, schedule_id: PathId, body: schedules.ScheduleIn
) -> ScheduleOut:
    with service_errors():
        try:
            row = schedules.update_schedule(session, user.id, schedule_id, body)
        except schedules.ScheduleNotFound as exc:
            raise _not_found(exc) from None
    schedules.register_tick()
    return ScheduleOut.of(row, session)


@router.delete("/schedules/{schedule_id}", status_code=204, responses=NOT_FOUND)
def delete_schedule(user: CurrentUser, session: SessionDep, schedule_id: PathId) -> Response:
    try:
        schedules.delete_schedule(session, user.id, schedule_id)
    except schedules.ScheduleNotFound as exc:
        raise _not_found(exc) from None
    return Response(status_code=204)


# ---- one report ------------------------------------------------------------------------------


@router.get(
    "/{report_id}", response_model=ReportOut, summary="A report's status and progress", responses=NOT_FOUND
)
def get_report(user: CurrentUser, session: SessionDep, report_id: PathId) -> ReportOut:
    try:
        return ReportOut.of(reports.get_report(session, user.id, report_id))
    except reports.ReportNotFound as exc:
        raise _not_found(exc) from None


@router.get(
    "/{report_id}/download",
    summary="Download a ready report",
    response_class=FileResponse,
    responses={
        **_file_responses("xlsx", "csv"),
        **NOT_FOUND,
        409: {"description": "Not ready yet, failed, or expired"},
    },
)
def download_report(user: CurrentUser, session: SessionDep, report_id: PathId) -> FileResponse:
    try:
        path, name, media_type = reports.report_file(session, user.id, report_id)
    except reports.ReportNotFound as exc:
        raise _not_found(exc) from None
    except reports.ReportNotReady as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    return FileResponse(path, media_type=media_type, filename=name)


@router.delete("/{report_id}", status_code=204, responses=NOT_FOUND)
def delete_report(user: CurrentUser, session: SessionDep, report_id: PathId) -> Response:
    try:
        reports.delete_report(session, user.id, report_id)
    except reports.ReportNotFound as exc:
        raise _not_found(exc) from None
    return Response(status_code=204)
