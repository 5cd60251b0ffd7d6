"""Sync tests: the sandbox over real HTTP, connected users with encrypted tokens, a pinned clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.sandbox.conftest import PINNED_TODAY, SandboxServer, clean_faults, sandbox_server  # noqa: F401
from trafficdash.auth.crypto import encrypt_token
from trafficdash.db import session_scope
from trafficdash.meta import throttle
from trafficdash.meta.reading import ReaderTuning
from trafficdash.meta.throttle import RetryPolicy
from trafficdash.models import AdAccount, AdAccountAccess, ConnectionStatus, User
from trafficdash.settings import reset_settings_cache
from trafficdash.sync import clock, service


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff and polling waits are recorded, not slept (tests assert them instead)."""
    recorded: list[float] = []
    monkeypatch.setattr(throttle, "sleep", recorded.append)
    return recorded


@pytest.fixture
def world(
    clean_faults: SandboxServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    waits: list[float],
) -> Iterator[SandboxServer]:
    """Every sandbox user connected, with their ad accounts; the app pointed at the sandbox."""
    srv = clean_faults
    monkeypatch.setenv("TRAFFICDASH_META_GRAPH_URL", srv.url)
    monkeypatch.setenv("TRAFFICDASH_SANDBOX_SEED", str(srv.config.seed))
    monkeypatch.setenv("TRAFFICDASH_SYNC_HISTORY_DAYS", "10")
    monkeypatch.setenv("TRAFFICDASH_SYNC_LOOKBACK_DAYS", "3")
    reset_settings_cache()
    pinned = datetime(PINNED_TODAY.year, PINNED_TODAY.month, PINNED_TODAY.day, 15, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now_utc", lambda: pinned)
    monkeypatch.setattr(
        service,
        "TUNING",
        service.SyncTuning(
            slice_days=7,
            breakdown_slice_days=10,
            async_above_rows=3000,
            reader=ReaderTuning(
                entity_page_size=5, insight_page_size=400, async_page_size=500, poll_initial=0.01
            ),
            retry=RetryPolicy(max_tries=6, base_delay=0.01, max_delay=0.05),
        ),
    )
    with session_scope() as session:
        accounts: dict[int, AdAccount] = {}
        for n, sandbox_user in enumerate(srv.users):
            user = User(
                email=sandbox_user["email"],
                name=sandbox_user["name"],
                meta_user_id=sandbox_user["id"],
                meta_token_encrypted=encrypt_token(sandbox_user["access_token"]),
                connection_status=ConnectionStatus.CONNECTED.value,
            )
            session.add(user)
            session.flush()
            for act in sandbox_user["ad_account_ids"]:
                account_id = int(act.removeprefix("act_"))
                if account_id not in accounts:
                    accounts[account_id] = AdAccount(id=account_id, name=f"account {n}")
                    session.add(accounts[account_id])
                    session.flush()
                session.add(AdAccountAccess(user_id=user.id, ad_account_id=account_id, tasks=["ANALYZE"]))
    yield srv
    reset_settings_cache()


def account_ids(srv: SandboxServer) -> list[int]:
    seen: dict[int, None] = {}
    for user in srv.users:
        for act in user["ad_account_ids"]:
            seen[int(act.removeprefix("act_"))] = None
    return list(seen)
