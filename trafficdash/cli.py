"""The ``trafficdash`` command. Each verb is a thin shell over a service."""

from __future__ import annotations

import sys
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


def _not_built(verb: str) -> typer.Exit:
    # An honest refusal: a verb that is not implemented yet must not pretend to work.
    return _fail(f"`trafficdash {verb}` is not available in this version yet.", code=2)


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
def worker() -> None:
    """Run an RQ worker for syncs, rollups, reports and alert checks."""
    raise _not_built("worker")


@app.command()
def scheduler() -> None:
    """Run the rq-scheduler that enqueues periodic jobs."""
    raise _not_built("scheduler")


@app.command()
def sync() -> None:
    """Sync ad accounts from Meta in the foreground."""
    raise _not_built("sync")


@app.command()
def connect() -> None:
    """Register a Meta connection from an access token (headless servers)."""
    raise _not_built("connect")


@app.command()
def sandbox() -> None:
    """Run the local emulator of the Meta Graph API."""
    raise _not_built("sandbox")


@app.command()
def report() -> None:
    """Build an Excel or CSV report."""
    raise _not_built("report")


@token_app.command("create")
def token_create() -> None:
    """Create a personal API token (printed once)."""
    raise _not_built("token create")


@token_app.command("list")
def token_list() -> None:
    """List a user's API tokens (prefix only)."""
    raise _not_built("token list")


@token_app.command("revoke")
def token_revoke() -> None:
    """Revoke an API token."""
    raise _not_built("token revoke")


def main() -> None:
    try:
        app()
    except ConfigurationError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(1)
