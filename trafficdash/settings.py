"""One place for every knob. Each setting is read from ``TRAFFICDASH_*`` env vars or ``.env``.

With no configuration the app runs embedded: SQLite in the data folder, an in-process
Redis stand-in, and the sandbox (mounted under ``/sandbox``) as the Meta Graph API.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from facebook_business.apiconfig import ads_api_config
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
SECRET_FILE_NAME = "secret_key"
# The Graph API version the installed facebook-business SDK speaks: Meta supports each version for a
# limited time, so the default moves with the SDK instead of lapsing in a constant here.
SDK_API_VERSION: str = ads_api_config["API_VERSION"]


class ConfigurationError(RuntimeError):
    """The configuration cannot work; the message says what to change."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TRAFFICDASH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("data"), description="Folder for SQLite, the secret key, reports.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite in data_dir if unset.")
    redis_url: str | None = Field(default=None, description="Redis URL; an in-process stand-in if unset.")
    redis_timeout_seconds: float = Field(
        default=0.5, gt=0, description="Connect and read timeout of every Redis call (a hung Redis)."
    )
    secret_key: SecretStr | None = Field(default=None, description="Signs sessions, derives encryption keys.")
    # Old keys stay readable while tokens are re-encrypted with the new one (MultiFernet rotation).
    previous_secret_keys: list[SecretStr] = Field(default_factory=list)

    meta_app_id: str | None = None
    meta_app_secret: SecretStr | None = None
    meta_graph_url: str | None = Field(default=None, description="Graph API base; the sandbox if unset.")
    meta_api_version: str = Field(
        default=SDK_API_VERSION, description="Graph API version; the installed SDK's own unless pinned."
    )

    public_url: str = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT

    sandbox_seed: int = 42
    log_level: str = "INFO"
    log_json: bool = False

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "trafficdash@localhost"
    smtp_starttls: bool = False

    sync_history_days: int = 90
    sync_lookback_days: int = 28
    session_idle_minutes: int = 60 * 24 * 7
    # Where login sessions live: "redis" (shared by every web replica) or "local" (this process).
    session_store: Literal["redis", "local"] | None = Field(
        default=None, description="redis or local; redis when a Redis URL is set."
    )
    api_rate_limit_per_minute: int = 120
    login_rate_limit_per_minute: int = 20
    # Alert webhooks go to public https URLs only; these hosts (development receivers) may also be
    # plain http and on a loopback or private address (trafficdash.notify.webhooks).
    webhook_dev_hosts: list[str] = Field(
        default_factory=list, description="JSON list of development webhook hosts allowed over http."
    )

    # --- derived -----------------------------------------------------------------------
    @property
    def embedded(self) -> bool:
        """True when nothing external is configured: the single-process demo."""
        return self.database_url is None and self.redis_url is None

    @property
    def use_sandbox(self) -> bool:
        return self.meta_app_id is None and self.meta_graph_url is None

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'trafficdash.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def graph_url(self) -> str:
        if self.meta_graph_url:
            return self.meta_graph_url.rstrip("/")
        if self.use_sandbox:
            return f"{self.public_url.rstrip('/')}/sandbox"
        return "https://graph.facebook.com"

    @property
    def shared_sessions(self) -> bool:
        """Sessions in Redis (the default with a Redis URL), so every web replica sees them."""
        if self.session_store is not None:
            return self.session_store == "redis" and bool(self.redis_url)
        return bool(self.redis_url)

    @property
    def cookies_secure(self) -> bool:
        return self.public_url.startswith("https://")

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    def resolved_secret_key(self) -> str:
        """The explicit secret, or one generated once and kept in the data folder.

        A production database with no explicit secret is refused: replicas would each
        invent their own key and could not read each other's sessions or tokens.
        """
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        if not self.is_sqlite:
            raise ConfigurationError(
                "TRAFFICDASH_SECRET_KEY must be set when TRAFFICDASH_DATABASE_URL points to a server "
                "database: every web and worker process needs the same key to read sessions and "
                "encrypted tokens. Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        path = self.ensure_data_dir() / SECRET_FILE_NAME
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    get_settings.cache_clear()
