"""The ``trafficdash`` command. Each verb is a thin shell over a service."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from trafficdash.settings import ConfigurationError, get_settings

app = typer.Typer(
    name="trafficdash",
    help="Self-hosted traffic dashboard for Meta (Facebook and Instagram) ads.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema management.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens for scripts and BI tools.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Run the web app (dashboard + /api). With no configuration, runs the embedded demo."""
    from trafficdash import app as webapp

    settings = get_settings()
    if host:
        settings.host = host
    if port:
        settings.port = port
    if "TRAFFICDASH_PUBLIC_URL" not in os.environ and (host or port):
        # The embedded sandbox and OAuth redirects must point at where we actually listen.
        shown_host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
        settings.public_url = f"http://{shown_host}:{settings.port}"
    try:
        webapp.run(settings)
    except ConfigurationError as exc:
        raise _fail(str(exc)) from exc


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply the database migrations."""
    from trafficdash import migrations

    settings = get_settings()
    if settings.is_sqlite:
        settings.ensure_data_dir()
    migrations.upgrade(settings.resolved_database_url, revision)
    typer.echo(f"Database upgraded to {revision}.")


@app.command()
def worker(
    queues: Annotated[
        str, typer.Option(help="Comma-separated queues, in priority order.")
    ] = "sync,reports,default",
    burst: Annotated[bool, typer.Option(help="Process what is queued, then exit.")] = False,
) -> None:
    """Run an RQ worker for syncs, rollups, reports and alert checks."""
    from trafficdash.composition import connect_services
    from trafficdash.jobs import queues as job_queues
    from trafficdash.jobs.runner import run_worker

    settings = get_settings()
    if not settings.redis_url:
        raise _fail(
            "set TRAFFICDASH_REDIS_URL: a worker process needs a shared Redis (embedded, `serve` runs its own)"
        )
    try:
        names = job_queues.parse_queue_names(queues)
    except ValueError as exc:
        raise _fail(str(exc), code=2) from exc
    settings.resolved_secret_key()  # fail early: the worker decrypts Meta tokens
    connect_services()
    run_worker(names, burst=burst, logging_level=settings.log_level)


@app.command()
def scheduler(
    interval: Annotated[float, typer.Option(help="Seconds between checks for due jobs.", min=1)] = 30,
    burst: Annotated[
        bool, typer.Option(help="Register schedules, enqueue what is due once, then exit.")
    ] = False,
) -> None:
    """Run the rq-scheduler that enqueues periodic jobs."""
    import signal
    import threading

    from trafficdash.jobs.runner import run_scheduler

    if not get_settings().redis_url:
        raise _fail(
            "set TRAFFICDASH_REDIS_URL: a scheduler process needs a shared Redis (embedded, `serve` runs its own)"
        )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    run_scheduler(interval=interval, stop=stop, burst=burst)


@app.command()
def sync(
    account: Annotated[
        int | None, typer.Option("--account", help="Ad account id (default: every account).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="First day, YYYY-MM-DD (default: history or lookback).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD (default: today).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Re-read every entity and the whole history.")] = False,
) -> None:
    """Sync ad accounts from Meta in the foreground."""
    from datetime import date

    from trafficdash.composition import connect_services
    from trafficdash.sync.cli import run_sync_cli

    connect_services()
    try:
        first = date.fromisoformat(since) if since else None
        last = date.fromisoformat(until) if until else None
    except ValueError as exc:
        raise _fail(f"dates must be YYYY-MM-DD ({exc})") from exc
    try:
        failed = run_sync_cli(account, first, last, full)
    except (ValueError, ConfigurationError) as exc:
        raise _fail(str(exc)) from exc
    if failed:
        raise typer.Exit(1)


@app.command()
def connect(
    access_token: Annotated[str, typer.Option(help="A Meta user access token (long-lived is best).")],
    email: Annotated[
        str | None, typer.Option(help="The trafficdash user to connect (created if new).")
    ] = None,
    exchange: Annotated[
        bool, typer.Option(help="Trade a short-lived token for a long-lived one first.")
    ] = False,
) -> None:
    """Register a Meta connection from an access token (headless servers)."""
    from trafficdash import db
    from trafficdash.auth.access import visible_accounts
    from trafficdash.auth.connections import ConnectionFailed, register_connection

    try:
        with db.session_scope() as session:
            user = register_connection(session, access_token, email, exchange=exchange)
            accounts = visible_accounts(session, user.id)
            typer.echo(f"Connected {user.email}: {len(accounts)} ad account(s)")
            for account in accounts:
                typer.echo(
                    f"  {account.act_id}  {account.name}  ({account.currency}, {account.timezone_name})"
                )
    except ConnectionFailed as exc:
        raise _fail(str(exc)) from None


@app.command()
def sandbox(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8090,
    seed: Annotated[int, typer.Option(help="Seed of the deterministic demo data.")] = 42,
    print_users_json: Annotated[
        bool, typer.Option(help="Print users, tokens and app credentials as JSON and exit.")
    ] = False,
    scale: Annotated[
        str, typer.Option(help="Size preset: demo, bench (1 account, 1,000 ads, 90 days) or test.")
    ] = "demo",
    history_days: Annotated[int | None, typer.Option(help="Days of history up to today.")] = None,
    users: Annotated[int | None, typer.Option(help="Number of sandbox users.")] = None,
    accounts_per_user: Annotated[int | None, typer.Option(help="Ad accounts per user.")] = None,
    campaigns_per_account: Annotated[int | None, typer.Option(help="Campaigns per ad account.")] = None,
    adsets_per_campaign: Annotated[int | None, typer.Option(help="Ad sets per campaign.")] = None,
    ads_per_adset: Annotated[int | None, typer.Option(help="Ads per ad set.")] = None,
    app_secret_proof_required: Annotated[
        bool, typer.Option(help="Reject calls without appsecret_proof.")
    ] = False,
    transient_error_rate: Annotated[
        float, typer.Option(help="Share of calls failing with a transient error.")
    ] = 0.0,
    rate_limit_storm_calls: Annotated[int, typer.Option(help="Throttle the first N calls.")] = 0,
    token_expiry_after_calls: Annotated[
        int, typer.Option(help="Expire every token after N calls (0 = never).")
    ] = 0,
    async_job_failure_rate: Annotated[
        float, typer.Option(help="Share of async report runs that fail.")
    ] = 0.0,
    slow_response_ms: Annotated[int, typer.Option(help="Added latency per call, in ms.")] = 0,
    fail_paged_listing_at_page: Annotated[
        int, typer.Option(help="Fail page N of each listing once (0 = never).")
    ] = 0,
) -> None:
    """Run the local emulator of the Meta Graph API."""
    from trafficdash.sandbox.cli import run_sandbox

    run_sandbox(
        host,
        port,
        seed,
        print_users_json,
        scale=scale,
        history_days=history_days,
        users=users,
        accounts_per_user=accounts_per_user,
        campaigns_per_account=campaigns_per_account,
        adsets_per_campaign=adsets_per_campaign,
        ads_per_adset=ads_per_adset,
        app_secret_proof_required=app_secret_proof_required,
        transient_error_rate=transient_error_rate,
        rate_limit_storm_calls=rate_limit_storm_calls,
        token_expiry_after_calls=token_expiry_after_calls,
        async_job_failure_rate=async_job_failure_rate,
        slow_response_ms=slow_response_ms,
        fail_paged_listing_at_page=fail_paged_listing_at_page,
    )


@app.command()
def report(
    email: Annotated[str, typer.Option(help="The user whose accounts the report covers.")],
    format: Annotated[str, typer.Option("--format", help="xlsx or csv.")] = "xlsx",
    level: Annotated[
        str, typer.Option(help="Deepest table: account (summary and daily), campaign, adset or ad.")
    ] = "campaign",
    preset: Annotated[
        str, typer.Option(help="Date range, as on the dashboard (last_7d, last_30d, this_month, ...).")
    ] = "last_30d",
    since: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (with --until).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD (with --since).")] = None,
    account: Annotated[list[int] | None, typer.Option(help="Ad account id (repeat; default: all).")] = None,
    campaign: Annotated[list[int] | None, typer.Option(help="Campaign id (repeat).")] = None,
    status: Annotated[list[str] | None, typer.Option(help="Campaign status, e.g. ACTIVE (repeat).")] = None,
    objective: Annotated[list[str] | None, typer.Option(help="Campaign objective (repeat).")] = None,
    currency: Annotated[str | None, typer.Option(help="Only accounts in this currency.")] = None,
    search: Annotated[str | None, typer.Option(help="Name contains.")] = None,
    breakdown: Annotated[
        list[str] | None, typer.Option(help="placement, device, age_gender or country (repeat).")
    ] = None,
    locale: Annotated[str, typer.Option(help="Language of headers and formats: en or pt-BR.")] = "en",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File or folder (default: the current folder).")
    ] = None,
) -> None:
    """Build an Excel or CSV report with the dashboard's filters; prints the file's path."""
    from datetime import date

    from trafficdash.analytics.errors import InvalidFilters
    from trafficdash.reports.cli import ReportRequest, run_report_cli

    try:
        first = date.fromisoformat(since) if since else None
        last = date.fromisoformat(until) if until else None
    except ValueError as exc:
        raise _fail(f"dates must be YYYY-MM-DD ({exc})", code=2) from None
    request = ReportRequest(
        email=email,
        format=format,
        level=level,
        preset=preset,
        since=first,
        until=last,
        account_ids=account or [],
        campaign_ids=campaign or [],
        statuses=status or [],
        objectives=objective or [],
        currency=currency,
        search=search,
        breakdowns=breakdown or [],
        locale=locale,
    )
    try:
        path = run_report_cli(request, output)
    except InvalidFilters as exc:
        raise _fail(str(exc), code=2) from None
    except LookupError as exc:  # no such user, or an account the user cannot see
        raise _fail(str(exc)) from None
    typer.echo(str(path))


def _token_user(session, email: str):
    from sqlalchemy import func, select

    from trafficdash.models import User

    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise _fail(f"no user with e-mail {email}")
    return user


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="Owner of the token.")],
    name: Annotated[str, typer.Option(help="A label, e.g. the tool that uses it.")] = "",
) -> None:
    """Create a personal API token (printed once, alone on the last line)."""
    from trafficdash import db
    from trafficdash.auth import api_tokens

    with db.session_scope() as session:
        _, plain = api_tokens.create_token(session, _token_user(session, email), name)
    typer.echo("New API token (shown only now; store it safely):", err=True)
    typer.echo(plain)


@token_app.command("list")
def token_list(email: Annotated[str, typer.Option(help="Owner of the tokens.")]) -> None:
    """List a user's API tokens (prefix only)."""
    from trafficdash import db
    from trafficdash.auth import api_tokens

    with db.session_scope() as session:
        tokens = api_tokens.list_tokens(session, _token_user(session, email))
        if not tokens:
            typer.echo("No API tokens.")
        for t in tokens:
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            used = f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
            typer.echo(
                f"{t.id}\t{t.prefix}…\t{t.name or '-'}\tcreated {t.created_at:%Y-%m-%d}\t{used}\t{state}"
            )


@token_app.command("revoke")
def token_revoke(
    email: Annotated[str, typer.Option(help="Owner of the token.")],
    id: Annotated[int, typer.Option("--id", help="Token id (see `token list`).")],
) -> None:
    """Revoke an API token."""
    from trafficdash import db
    from trafficdash.auth import api_tokens

    with db.session_scope() as session:
        if not api_tokens.revoke(session, _token_user(session, email), id):
            raise _fail(f"no API token {id} for {email}")
    typer.echo(f"Revoked API token {id}.")


def main() -> None:
    from trafficdash.logging_setup import configure_logging

    try:
        configure_logging()
        app()
    except ConfigurationError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(1)
