"""``trafficdash report``: an Excel or CSV report built in the foreground, with the dashboard's
filters, a progress bar, and the file's path printed when done."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trafficdash import db
from trafficdash.analytics.date_presets import PRESETS
from trafficdash.analytics.errors import InvalidFilters
from trafficdash.analytics.service import account_today
from trafficdash.i18n.locales import LOCALES, normalize_locale
from trafficdash.models import User
from trafficdash.reports.service import content_for, download_name, write_report
from trafficdash.reports.spec import DIMENSIONS, FORMATS, REPORT_LEVELS, ReportSpec, parse_spec


@dataclass(frozen=True)
class ReportRequest:
    """What the command line asked for (the dashboard's filters, by name)."""

    email: str
    format: str = "xlsx"
    level: str = "campaign"
    preset: str | None = "last_30d"
    since: date | None = None
    until: date | None = None
    account_ids: list[int] = field(default_factory=list)
    campaign_ids: list[int] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    currency: str | None = None
    search: str | None = None
    breakdowns: list[str] = field(default_factory=list)
    locale: str = "en"


def spec_for(request: ReportRequest, today: date) -> ReportSpec:
    """The report spec (raises InvalidFilters with a message fit to print)."""
    if (request.since is None) != (request.until is None):
        raise InvalidFilters("give both --since and --until, or neither (then --preset applies)")
    choices = (
        ("preset", [request.preset] if request.since is None else [], PRESETS),
        ("format", [request.format], FORMATS),
        ("level", [request.level], REPORT_LEVELS),
        ("breakdown", request.breakdowns, DIMENSIONS),
        ("locale", [normalize_locale(request.locale)], LOCALES),
    )
    for name, values, allowed in choices:
        for value in values:
            if value not in allowed:
                raise InvalidFilters(f"unknown {name} {value!r}; one of: {', '.join(allowed)}")
    filters = {
        "account_ids": request.account_ids,
        "statuses": request.statuses or None,
        "objectives": request.objectives or None,
        "campaign_ids": request.campaign_ids or None,
        "currency": request.currency,
        "search": request.search,
    }
    preset = None if request.since else request.preset
    if request.since:
        filters |= {"since": request.since, "until": request.until}
    spec = parse_spec(
        {
            "filters": filters,
            "format": request.format,
            "level": request.level,
            "breakdowns": request.breakdowns,
            "locale": request.locale,
            "preset": preset,
        }
    )
    if preset:  # the preset's days in the account's own time zone, as the dashboard shows them
        spec = spec.resolved(today)
    return spec


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise LookupError(f"no user with e-mail {email}")
    return user


def _target(output: Path | None, spec: ReportSpec) -> Path:
    if output is None:
        return Path.cwd() / download_name(spec)
    if output.is_dir():
        return output / download_name(spec)
    return output


def run_report_cli(request: ReportRequest, output: Path | None, console: Console | None = None) -> Path:
    """Build the report into ``output`` (a file, or a folder for the download name; default: the
    current folder); returns the file's path. Raises LookupError, InvalidFilters, AccountNotFound."""
    console = console or Console(stderr=True)
    with db.session_scope() as session:
        user_id = _user(session, request.email).id
        spec = spec_for(request, account_today(session, user_id, request.account_ids))
        target = _target(output, spec)
        partial = target.with_name(target.name + ".part")
        content = content_for(session, user_id, spec)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(target.name, total=max(content.row_estimate, 1))
            try:
                with partial.open("wb") as out:
                    rows = write_report(content, out, lambda n: progress.advance(task, n))
                progress.update(task, total=max(rows, 1), completed=max(rows, 1))
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    partial.replace(target)
    console.print(f"{rows:,} rows written")
    return target
