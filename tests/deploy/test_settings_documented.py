"""Every setting is documented twice, where operators look: `.env.example` and the README table."""

from __future__ import annotations

import re

import pytest

from tests.deploy.tools import ROOT
from trafficdash.settings import Settings

SETTINGS = sorted(f"TRAFFICDASH_{name.upper()}" for name in Settings.model_fields)


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    missing = [v for v in SETTINGS if not re.search(rf"^#? ?{v}=", text, re.MULTILINE)]
    assert not missing, f"add to .env.example: {missing}"


def test_readme_table_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Settings") :]
    section = section[: section.index("\n## ", 1)]
    missing = [v for v in SETTINGS if f"`{v}`" not in section]
    assert not missing, f"add to the README's settings table: {missing}"


def test_env_example_names_only_real_settings() -> None:
    named = set(re.findall(r"^#? ?(TRAFFICDASH_[A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert named <= set(SETTINGS), named - set(SETTINGS)


def test_env_example_values_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example value (commented or not) is accepted by Settings as the env would give it."""
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#? ?(TRAFFICDASH_[A-Z_]+)=(.+)$", line)
        if match:
            monkeypatch.setenv(match.group(1), match.group(2))
    settings = Settings(_env_file=None)
    assert settings.previous_secret_keys and settings.meta_app_id and settings.smtp_host
    assert settings.sync_lookback_days == 28 and settings.port == 8080
