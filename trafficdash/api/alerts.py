"""``/api/alerts``: alert rules (CRUD), templates, and the alert history (ack, snooze, mute, read)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field, ValidationError

from trafficdash.alerts import service
from trafficdash.alerts.channels import deliveries_of
from trafficdash.alerts.evaluation import evaluate_rule
from trafficdash.alerts.rules import (
    TEMPLATES,
    InvalidRule,
    RuleSpec,
    describe,
    spec_from_template,
    template_description,
)
from trafficdash.analytics.errors import InvalidFilters
from trafficdash.api.deps import CurrentUser, PathId, SessionDep
from trafficdash.api.errors import field_errors
from trafficdash.auth.access import AccountNotFound, NotAdmin
from trafficdash.input_types import DbId, Flag, Moment, Text
from trafficdash.models import Alert, AlertRule

router = APIRouter(prefix="/alerts", tags=["alerts"])

NOT_FOUND = {404: {"description": "A rule, alert or ad account you cannot see (or that does not exist)"}}
FORBIDDEN = {403: {"description": "Viewers may not change rules"}}


@contextmanager
def _errors() -> Iterator[None]:
    """Service errors as HTTP answers: unknown or foreign -> 404, viewers -> 403, bad input -> 422."""
    try:
        yield
    except (service.RuleNotFound, service.AlertNotFound, AccountNotFound) as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from None
    except NotAdmin as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from None
    except (InvalidRule, InvalidFilters) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    except ValidationError as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail=field_errors(exc.errors())
        ) from None


class RuleOut(BaseModel):
    id: int
    name: str
    description: str
    template: str | None
    ad_account_id: int
    kind: str
    scope: str
    campaign_id: int | None
    metric: str
    condition: str
    threshold: Decimal
    baseline: str
    window: str
    min_spend: Decimal | None
    min_impressions: int | None
    channels: list[str]
    email_to: str | None
    webhook_url: str | None
    slack_webhook_url: str | None
    enabled: bool
    muted: bool
    snoozed_until: datetime | None
    state: str
    last_evaluated_at: datetime | None
    last_summary: str | None
    created_at: datetime


def rule_out(rule: AlertRule) -> RuleOut:
    fields = {name: getattr(rule, name) for name in RuleOut.model_fields if name != "description"}
    return RuleOut(**fields, description=describe(rule))


class DeliveryOut(BaseModel):
    channel: str
    target: str
    attempt: int
    status: str
    status_code: int | None
    error: str | None
    created_at: datetime
    next_attempt_at: datetime | None


class AlertOut(BaseModel):
    id: int
    kind: str
    rule_id: int | None
    ad_account_id: int
    campaign_id: int | None
    subject_key: str
    subject_name: str
    metric: str
    severity: str
    title: str
    message: str
    values: dict[str, Any]
    fired_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None
    acknowledged_at: datetime | None
    read_at: datetime | None
    deliveries: list[DeliveryOut] = Field(default_factory=list)


def _alerts_out(session: Any, alerts: list[Alert]) -> list[AlertOut]:
    deliveries = deliveries_of(session, [a.id for a in alerts])
    out = []
    for a in alerts:
        fields = {name: getattr(a, name) for name in AlertOut.model_fields if name != "deliveries"}
        out.append(
            AlertOut(
                **fields,
                deliveries=[
                    DeliveryOut(**{n: getattr(d, n) for n in DeliveryOut.model_fields})
                    for d in deliveries[a.id]
                ],
            )
        )
    return out


class TemplateOut(BaseModel):
    key: str
    title: str
    description: str
    spec: dict[str, Any]


class FromTemplate(BaseModel):
    template: Text = Field(max_length=64)
    ad_account_id: DbId
    overrides: dict[str, Any] = Field(default_factory=dict)


class SnoozeIn(BaseModel):
    until: Moment | None = Field(description="Aware date-time; null ends the snooze.")


class MuteIn(BaseModel):
    muted: Flag = True


class UnreadOut(BaseModel):
    unread: int


# ---- templates and rules ------------------------------------------------------------------------------------


@router.get("/templates", response_model=list[TemplateOut], summary="Ready-made rules")
def list_templates(current: CurrentUser) -> list[TemplateOut]:
    return [
        TemplateOut(
            key=tpl.key, title=tpl.title, description=template_description(tpl, None, "en"), spec=tpl.spec
        )
        for tpl in TEMPLATES
    ]


@router.get("/rules", response_model=list[RuleOut], summary="My alert rules")
def list_rules(
    current: CurrentUser, session: SessionDep, account_id: Annotated[list[DbId] | None, Query()] = None
) -> list[RuleOut]:
    return [rule_out(r) for r in service.list_rules(session, current.id, account_id)]


@router.post(
    "/rules",
    response_model=RuleOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a rule",
    responses={**NOT_FOUND, **FORBIDDEN},
)
def create_rule(body: RuleSpec, current: CurrentUser, session: SessionDep) -> RuleOut:
    with _errors():
        return rule_out(service.create_rule(session, current.id, body))


@router.post(
    "/rules/from-template",
    response_model=RuleOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a rule from a template",
    responses={**NOT_FOUND, **FORBIDDEN},
)
def create_from_template(body: FromTemplate, current: CurrentUser, session: SessionDep) -> RuleOut:
    with _errors():
        spec = spec_from_template(body.template, body.ad_account_id, **body.overrides)
        return rule_out(service.create_rule(session, current.id, spec))


@router.get("/rules/{rule_id}", response_model=RuleOut, summary="One rule", responses=NOT_FOUND)
def get_rule(rule_id: PathId, current: CurrentUser, session: SessionDep) -> RuleOut:
    with _errors():
        return rule_out(service.get_rule(session, current.id, rule_id))


@router.put(
    "/rules/{rule_id}", response_model=RuleOut, summary="Replace a rule", responses={**NOT_FOUND, **FORBIDDEN}
)
def update_rule(rule_id: PathId, body: RuleSpec, current: CurrentUser, session: SessionDep) -> RuleOut:
    with _errors():
        return rule_out(service.update_rule(session, current.id, rule_id, body))


@router.delete(
    "/rules/{rule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a rule",
    responses={**NOT_FOUND, **FORBIDDEN},
)
def delete_rule(rule_id: PathId, current: CurrentUser, session: SessionDep) -> None:
    with _errors():
        service.delete_rule(session, current.id, rule_id)


@router.post(
    "/rules/{rule_id}/evaluate", response_model=RuleOut, summary="Evaluate a rule now", responses=NOT_FOUND
)
def evaluate_now(rule_id: PathId, current: CurrentUser, session: SessionDep) -> RuleOut:
    with _errors():
        rule = service.get_rule(session, current.id, rule_id)
        evaluate_rule(session, rule)
        return rule_out(rule)


@router.post(
    "/rules/{rule_id}/snooze",
    response_model=RuleOut,
    summary="Snooze a rule until a time",
    responses={**NOT_FOUND, **FORBIDDEN},
)
def snooze_rule(rule_id: PathId, body: SnoozeIn, current: CurrentUser, session: SessionDep) -> RuleOut:
    with _errors():
        return rule_out(service.set_snooze(session, current.id, rule_id, body.until))


@router.post(
    "/rules/{rule_id}/mute",
    response_model=RuleOut,
    summary="Mute or unmute a rule",
    responses={**NOT_FOUND, **FORBIDDEN},
)
def mute_rule(rule_id: PathId, body: MuteIn, current: CurrentUser, session: SessionDep) -> RuleOut:
    with _errors():
        return rule_out(service.set_muted(session, current.id, rule_id, body.muted))


# ---- alerts -------------------------------------------------------------------------------------------------


@router.get("", response_model=list[AlertOut], summary="Alert history, newest first")
def list_alerts(
    current: CurrentUser,
    session: SessionDep,
    account_id: Annotated[list[DbId] | None, Query()] = None,
    campaign_id: Annotated[DbId | None, Query()] = None,
    kind: Annotated[str | None, Query(pattern="^(rule|pacing|anomaly)$")] = None,
    open_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AlertOut]:
    query = service.AlertQuery(
        account_ids=account_id,
        campaign_id=campaign_id,
        kind=kind,
        open_only=open_only,
        limit=limit,
        offset=offset,
    )
    return _alerts_out(session, service.list_alerts(session, current.id, query))


@router.get("/unread", response_model=UnreadOut, summary="Unread alerts (the bell)")
def unread(current: CurrentUser, session: SessionDep) -> UnreadOut:
    return UnreadOut(unread=service.unread_count(session, current.id))


@router.post("/read", response_model=UnreadOut, summary="Mark every alert read")
def mark_read(current: CurrentUser, session: SessionDep) -> UnreadOut:
    service.mark_all_read(session, current.id)
    return UnreadOut(unread=0)


@router.get(
    "/{alert_id}",
    response_model=AlertOut,
    summary="One alert with its delivery attempts",
    responses=NOT_FOUND,
)
def get_alert(alert_id: PathId, current: CurrentUser, session: SessionDep) -> AlertOut:
    with _errors():
        return _alerts_out(session, [service.get_alert(session, current.id, alert_id)])[0]


@router.post("/{alert_id}/ack", response_model=AlertOut, summary="Acknowledge an alert", responses=NOT_FOUND)
def acknowledge(alert_id: PathId, current: CurrentUser, session: SessionDep) -> AlertOut:
    with _errors():
        return _alerts_out(session, [service.acknowledge(session, current.id, alert_id)])[0]


@router.post(
    "/{alert_id}/snooze",
    response_model=AlertOut,
    summary="Acknowledge and snooze its rule",
    responses={**NOT_FOUND, **FORBIDDEN},
)
def snooze_alert(alert_id: PathId, body: SnoozeIn, current: CurrentUser, session: SessionDep) -> AlertOut:
    with _errors():
        if body.until is None:
            raise InvalidRule("give 'until': the time the snooze ends")
        return _alerts_out(session, [service.snooze_alert(session, current.id, alert_id, body.until)])[0]


@router.post(
    "/{alert_id}/mute",
    response_model=AlertOut,
    summary="Acknowledge and mute its rule",
    responses={**NOT_FOUND, **FORBIDDEN},
)
def mute_alert(alert_id: PathId, body: MuteIn, current: CurrentUser, session: SessionDep) -> AlertOut:
    with _errors():
        return _alerts_out(session, [service.mute_alert(session, current.id, alert_id, body.muted)])[0]
