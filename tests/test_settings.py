from pathlib import Path

import pytest

from trafficdash.settings import ConfigurationError, Settings


def test_embedded_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "META_APP_ID", "META_GRAPH_URL"):
        monkeypatch.delenv(f"TRAFFICDASH_{var}", raising=False)
    settings = Settings(data_dir=tmp_path, _env_file=None)
    assert settings.embedded and settings.is_sqlite and settings.use_sandbox
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'trafficdash.sqlite3'}"
    assert settings.graph_url == "http://127.0.0.1:8080/sandbox"


def test_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAFFICDASH_SECRET_KEY", raising=False)
    monkeypatch.delenv("TRAFFICDASH_DATABASE_URL", raising=False)
    first = Settings(data_dir=tmp_path, _env_file=None).resolved_secret_key()
    second = Settings(data_dir=tmp_path, _env_file=None).resolved_secret_key()
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_database_without_secret_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRAFFICDASH_SECRET_KEY", raising=False)
    settings = Settings(data_dir=tmp_path, database_url="postgresql+psycopg://db/x", _env_file=None)
    with pytest.raises(ConfigurationError, match="TRAFFICDASH_SECRET_KEY"):
        settings.resolved_secret_key()


def test_env_and_dotenv_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("TRAFFICDASH_META_API_VERSION=v99.0\nTRAFFICDASH_META_APP_ID=123\n")
    monkeypatch.delenv("TRAFFICDASH_META_APP_ID", raising=False)
    monkeypatch.setenv("TRAFFICDASH_PUBLIC_URL", "https://ads.example.com")
    settings = Settings(_env_file=env_file)
    assert settings.meta_api_version == "v99.0"
    assert settings.meta_app_id == "123" and not settings.use_sandbox
    assert settings.graph_url == "https://graph.facebook.com"
    assert settings.cookies_secure


def test_default_api_version_is_the_sdks_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from facebook_business.apiconfig import ads_api_config

    monkeypatch.delenv("TRAFFICDASH_META_API_VERSION", raising=False)
    assert Settings(_env_file=None).meta_api_version == ads_api_config["API_VERSION"]
