"""Schemathesis over the app's OpenAPI document, in process: no 5xx, answers match the schema.

The app is the real API wiring (auth middleware and exception handlers, every /api router) on a
FastAPI instance; the caller is a user with a personal API token and an ad account with campaigns.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from starlette.middleware.sessions import SessionMiddleware

from tests.support import bearer_for, grant, make_user
from trafficdash import db
from trafficdash.api import install_api
from trafficdash.auth.wiring import install_auth
from trafficdash.models import AdAccount, Campaign
from trafficdash.settings import get_settings, reset_settings_cache

ACCOUNT_ID = 1234567
EXAMPLES_PER_OPERATION = 2

# The fuzzer sends far more than a person would: the rate limit is tested elsewhere.
os.environ.setdefault("TRAFFICDASH_API_RATE_LIMIT_PER_MINUTE", "100000")


def build_api() -> FastAPI:
    reset_settings_cache()
    api = FastAPI(title="trafficdash")
    install_auth(api, get_settings())
    install_api(api)
    api.add_middleware(SessionMiddleware, secret_key=get_settings().resolved_secret_key())
    return api


# Readiness answers 503 by design while no worker runs (tests/test_health.py covers it).
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", build_api())
    .include(path_regex="^/api/")
    .exclude(path="/api/health/ready")
)


@pytest.fixture
def auth_headers() -> dict[str, str]:
    with db.session_scope() as s:
        ana = make_user(s)
        s.add(AdAccount(id=ACCOUNT_ID, name="Ana's shop", currency="BRL", amount_spent=Decimal(0)))
        s.flush()
        s.add(Campaign(id=98765, ad_account_id=ACCOUNT_ID, name="Launch", objective="OUTCOME_SALES"))
        grant(s, ana, ACCOUNT_ID)
        ana_id = ana.id
    return bearer_for(ana_id)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_without_server_errors_and_as_documented(case, auth_headers) -> None:
    case.call_and_validate(headers=auth_headers, checks=[not_a_server_error, response_schema_conformance])
