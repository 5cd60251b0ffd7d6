"""``trafficdash worker`` / ``scheduler`` refuse what cannot work, with a clear message."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from trafficdash.cli import app
from trafficdash.jobs.queues import parse_queue_names
from trafficdash.settings import reset_settings_cache


def test_unknown_queue_names_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAFFICDASH_REDIS_URL", "redis://127.0.0.1:6379/15")
    reset_settings_cache()
    result = CliRunner().invoke(app, ["worker", "--queues", "sync,nope", "--burst"])
    assert result.exit_code == 2 and "unknown queue(s) nope" in result.output
    assert parse_queue_names(" sync , default ") == ["sync", "default"]
    with pytest.raises(ValueError, match="no queue names"):
        parse_queue_names(" , ")


@pytest.mark.parametrize("verb", ["worker", "scheduler"])
def test_processes_need_a_shared_redis(verb: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAFFICDASH_REDIS_URL", raising=False)
    reset_settings_cache()
    result = CliRunner().invoke(app, [verb, "--burst"])
    assert result.exit_code == 1 and "TRAFFICDASH_REDIS_URL" in result.output
