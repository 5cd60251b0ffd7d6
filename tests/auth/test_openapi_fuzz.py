"""Schemathesis over every operation of the app's OpenAPI document, in process: no 5xx, and every
answer's status code, content type and body as the document states them.

The app is the web app's wiring (auth middleware, request ids, exception handlers, every router)
on a FastAPI instance without the NiceGUI pages; the caller is a user with a personal API token
who owns the analytics test world (three ad accounts with campaigns, ad sets, ads and two weeks
of insights) plus an alert rule and a scheduled report. Each operation gets valid and invalid
requests (schemathesis's positive and negative modes). Revoking a token would end the shared one:
it is fuzzed on its own, each request with a fresh token.
The number of requests made is printed (run with ``-s`` to see it) and bounded below.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.middleware.sessions import SessionMiddleware

from tests.analytics.conftest import World, world  # noqa: F401 (the fixture)
from tests.support import bearer_for
from trafficdash import db
from trafficdash.alerts import service as alerts
from trafficdash.alerts.rules import spec_from_template
from trafficdash.api import install_api
from trafficdash.auth.wiring import install_auth
from trafficdash.logging_setup import install_request_id_middleware
from trafficdash.reports import schedules
from trafficdash.reports.spec import ReportSpec
from trafficdash.settings import get_settings, reset_settings_cache

# 5 per mode: ~360 requests, ~55 s on the 2-core CI machine (15-25 requests a second here).
EXAMPLES_PER_MODE = 5
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]
# Readiness answers its documented 503 while no worker runs (tests/test_health.py covers it).
READY_AS_DOCUMENTED = {("GET", "/api/health/ready")}
# It would end the token the other requests share (signing out, /auth/logout, is not in the
# document: it is a browser redirect, not API).
ENDS_THE_CALLER = {("DELETE", "/api/tokens/{token_id}")}

# The fuzzer sends far more than a person would: the rate limit is tested elsewhere.
os.environ.setdefault("TRAFFICDASH_API_RATE_LIMIT_PER_MINUTE", "100000")


def build_app() -> FastAPI:
    """What ``trafficdash.app.build`` adds to NiceGUI's app, minus the pages and the sandbox."""
    reset_settings_cache()
    settings = get_settings()
    web = FastAPI(title="trafficdash")
    install_auth(web, settings)
    install_request_id_middleware(web, settings)
    install_api(web)
    web.add_middleware(SessionMiddleware, secret_key=settings.resolved_secret_key())
    return web


schema = schemathesis.openapi.from_asgi("/openapi.json", build_app())


def operation_key(operation: APIOperation) -> tuple[str, str]:
    return operation.method.upper(), operation.path


def all_operations() -> list[APIOperation]:
    return [result.ok() for result in schema.get_all_operations()]


def fuzz_one(operation: APIOperation, mode: GenerationMode, headers: Callable[[], dict[str, str]]) -> int:
    """Requests of one mode to one operation, each checked; returns how many were made."""
    checks = [
        *([] if operation_key(operation) in READY_AS_DOCUMENTED else [not_a_server_error]),
        *CONFORMANCE,
    ]
    sent = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Case) -> None:
        nonlocal sent
        response = case.call(headers=headers())
        sent += 1
        case.validate_response(response, checks=checks)

    try:
        call()
    except Unsatisfiable:
        # No parameters and no body: there is no invalid request to make.
        assert mode is GenerationMode.NEGATIVE, operation_key(operation)
    return sent


def fuzz(operations: Iterable[APIOperation], headers: Callable[[], dict[str, str]]) -> int:
    """Every operation, valid and invalid requests; every failing operation is reported, not only
    the first. Returns how many requests were made."""
    sent = 0
    failures: list[str] = []
    for operation in operations:
        for mode in MODES:
            try:
                sent += fuzz_one(operation, mode, headers)
            except (FailureGroup, AssertionError) as failure:
                failures.append(f"{' '.join(operation_key(operation))} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)
    return sent


@pytest.fixture
def owner(world: World) -> int:  # noqa: F811 (the imported fixture)
    """Ana, with a rule and a scheduled report besides the world's accounts and insights."""
    with db.session_scope() as session:
        alerts.create_rule(session, world.ana.id, spec_from_template("roas_below_1", world.usd1.id))
        spec = ReportSpec.model_validate({"filters": {"account_ids": [world.usd1.id]}, "preset": "last_7d"})
        schedules.create_schedule(session, world.ana.id, schedules.ScheduleIn(name="Weekly", spec=spec))
    return world.ana.id


def test_every_operation_answers_without_server_errors_and_as_documented(owner: int) -> None:
    shared = bearer_for(owner, "fuzz")
    everything = all_operations()
    operations = [op for op in everything if operation_key(op) not in ENDS_THE_CALLER]
    assert len(operations) == len(everything) - len(ENDS_THE_CALLER) > 40
    started = time.monotonic()
    sent = fuzz(operations, lambda: shared)
    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {sent} requests over {len(operations)} operations in {elapsed:.0f} s")
    assert sent >= len(operations) * 4


def test_revoking_tokens_each_request_with_a_fresh_token(owner: int) -> None:
    operations = [op for op in all_operations() if operation_key(op) in ENDS_THE_CALLER]
    sent = fuzz(operations, lambda: bearer_for(owner, "fuzz-once"))
    print(f"\nschemathesis: {sent} requests over {len(operations)} token-ending operations")
    assert len(operations) == len(ENDS_THE_CALLER) and sent >= len(operations) * 2
