"""``trafficdash sync``: foreground syncs with a progress bar and a summary table."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from trafficdash.db import session_scope
from trafficdash.models import AdAccount, SyncRun, SyncTrigger
from trafficdash.sync.runs import ACTIVE_STATUSES
from trafficdash.sync.service import sync_account


def run_sync_cli(account_id: int | None, since: date | None, until: date | None, full: bool) -> int:
    """Sync one account or every known account; returns the number of runs that did not succeed."""
    console = Console()
    with session_scope() as session:
        if account_id is not None:
            if session.get(AdAccount, account_id) is None:
                raise ValueError(
                    f"ad account {account_id} is not known (connect a user who can see it first)"
                )
            accounts = [(account_id, session.get(AdAccount, account_id).name)]  # type: ignore[union-attr]
        else:
            accounts = [(a.id, a.name) for a in session.scalars(select(AdAccount).order_by(AdAccount.id))]
    if not accounts:
        raise ValueError("no ad accounts yet: connect a Meta user first (`trafficdash connect`)")
    results: list[SyncRun] = []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[phase]} · {task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        for acc_id, name in accounts:
            task = progress.add_task(f"{name or acc_id}", total=None, phase="queued", rows=0)

            def show(run: SyncRun, task: int = task) -> None:
                progress.update(
                    task,
                    total=run.steps_total or None,
                    completed=run.steps_done,
                    phase=run.phase,
                    rows=run.rows_written,
                )

            run_id = sync_account(
                acc_id,
                trigger=SyncTrigger.CLI.value,
                full_refresh=full,
                since=since,
                until=until,
                progress=show,
            )
            with session_scope() as session:
                run = session.get(SyncRun, run_id)
                assert run is not None
                session.expunge(run)
            show(run)
            results.append(run)
    for run in results:
        if run.status in ACTIVE_STATUSES:
            # sync_account hands back the run holding the account's lock: this command started none.
            console.print(
                f"Account {run.ad_account_id} was not synced: another sync (run {run.id}, "
                f"{run.trigger}, {run.phase}) holds its lock. Try again when it has finished."
            )
    table = Table(title="Sync summary")
    for column in ("account", "run", "status", "range", "rows", "seconds", "error"):
        table.add_column(column)
    for run in results:
        seconds = (
            (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else 0
        )
        table.add_row(
            str(run.ad_account_id),
            str(run.id),
            run.status,
            f"{run.since} → {run.until}",
            f"{run.rows_written:,}",
            f"{seconds:.1f}",
            (run.error or "")[:120],
        )
    console.print(table)
    return sum(1 for r in results if r.status != "succeeded")
