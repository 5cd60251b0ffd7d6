"""Composition root: configures NiceGUI's FastAPI app with the API, pages and (embedded) sandbox."""

from __future__ import annotations

import logging

from nicegui import app, ui

from trafficdash import db, migrations, redis_conn
from trafficdash.api import install_api
from trafficdash.auth.sessions import session_cookie_options
from trafficdash.auth.wiring import install_auth
from trafficdash.composition import connect_services
from trafficdash.logging_setup import configure_logging, install_request_id_middleware
from trafficdash.settings import ConfigurationError, Settings, get_settings
from trafficdash.ui.pages import register_pages

log = logging.getLogger(__name__)

TITLE = "trafficdash"


def prepare_database(settings: Settings) -> None:
    """Embedded (SQLite): migrate on start. A server database is migrated by ``db upgrade``."""
    db.configure(settings)
    if settings.is_sqlite:
        migrations.upgrade(settings.resolved_database_url)
        return
    pending = migrations.pending_revisions(db.get_engine())
    if pending:
        raise ConfigurationError(
            f"The database is not up to date ({len(pending)} migration(s) pending). "
            "Run `trafficdash db upgrade` first."
        )


SANDBOX_PREFIX = "/sandbox"


def mount_sandbox(settings: Settings) -> None:
    """Embedded default: Meta's side of the wire, served by the same process under /sandbox.

    The app still talks to it over HTTP through the official SDK, exactly as to Meta.
    """
    if any(getattr(route, "path", None) == SANDBOX_PREFIX for route in app.routes):
        return  # mounts survive NiceGUI's test resets; one is enough
    from trafficdash.sandbox import SandboxConfig, create_sandbox_app

    app.mount(SANDBOX_PREFIX, create_sandbox_app(SandboxConfig(seed=settings.sandbox_seed)))


def build(settings: Settings | None = None) -> Settings:
    """Wire everything onto NiceGUI's app. Safe to call again after NiceGUI resets (tests)."""
    settings = settings or get_settings()
    settings.resolved_secret_key()  # fail early with a clear message
    prepare_database(settings)
    redis_conn.reset()
    connect_services()  # the embedded worker threads sync in this process
    install_auth(app, settings)
    install_request_id_middleware(app, settings)  # outermost: every log line has the id
    install_api(app)
    if settings.use_sandbox:
        mount_sandbox(settings)
    register_pages()
    return settings


def install_jobs(settings: Settings) -> None:
    """Background jobs with the server's lifetime: embedded worker/scheduler threads, or (real Redis)
    the schedules re-registered at start."""
    from trafficdash.jobs.embedded import start_jobs, stop_jobs

    app.on_startup(lambda: start_jobs(settings))
    app.on_shutdown(stop_jobs)


def run(settings: Settings | None = None) -> None:
    configure_logging(settings or get_settings())
    settings = build(settings)
    install_jobs(settings)
    ui.run(
        host=settings.host,
        port=settings.port,
        title=TITLE,
        dark=True,
        favicon="📈",
        reload=False,
        show=False,
        storage_secret=settings.resolved_secret_key(),
        session_middleware_kwargs=session_cookie_options(settings),
        fastapi_docs=True,
        show_welcome_message=True,
        uvicorn_logging_level="warning",
        log_config=None,  # uvicorn logs through our handler (JSON, request id, redaction)
    )
