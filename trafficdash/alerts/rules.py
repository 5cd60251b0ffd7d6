"""What a rule may say (metrics, conditions, windows, channels), its validation, and the templates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.i18n import format_money, t
from trafficdash.input_types import Count, DbId, Flag, Text

# The catalogue's metrics a rule may watch (Literal[tuple] means Literal[*tuple]).
METRICS: tuple[str, ...] = CATALOGUE.on("alert")
MetricName = Literal[METRICS]  # type: ignore[valid-type]
Condition = Literal["above", "below", "change_above", "change_below"]
Baseline = Literal["previous", "trailing_7d"]
Window = Literal["today", "yesterday", "last_3d", "last_7d"]
Scope = Literal["account", "campaign"]
RuleKind = Literal["metric", "pacing"]
Channel = Literal["in_app", "email", "webhook", "slack"]

CHANNELS: tuple[str, ...] = get_args(Channel)
# Sums over a window; a trailing baseline of these is scaled to the window's length.
ADDITIVE_METRICS = frozenset(k for k in METRICS if CATALOGUE[k].additive)
TRAILING_DAYS = 7


class InvalidRule(ValueError):
    """A rule the API/UI must refuse with this message (422)."""


def window_range(window: str, today: date) -> tuple[date, date]:
    """(since, until) of a rule window; "last N days" are full days ending yesterday (Meta's presets)."""
    yesterday = today - timedelta(days=1)
    if window == "today":
        return today, today
    if window == "yesterday":
        return yesterday, yesterday
    days = {"last_3d": 3, "last_7d": 7}[window]
    return today - timedelta(days=days), yesterday


def baseline_range(baseline: str, since: date, until: date) -> tuple[date, date]:
    if baseline == "trailing_7d":
        return since - timedelta(days=TRAILING_DAYS), since - timedelta(days=1)
    length = (until - since).days + 1
    return since - timedelta(days=length), since - timedelta(days=1)


class RuleSpec(BaseModel):
    """A rule as the API and the UI send it (validated; the model stores the same fields)."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=200)
    ad_account_id: DbId
    kind: RuleKind = "metric"
    scope: Scope = "account"
    campaign_id: DbId | None = None
    metric: MetricName = "spend"
    condition: Condition = "above"
    threshold: Decimal = Field(ge=0, le=Decimal("1e12"))
    baseline: Baseline = "previous"
    window: Window = "today"
    min_spend: Decimal | None = Field(default=None, ge=0, le=Decimal("1e12"))
    min_impressions: Count | None = None
    channels: list[Channel] = Field(default_factory=lambda: ["in_app"])
    email_to: Text | None = Field(default=None, max_length=320)
    webhook_url: HttpUrl | None = None
    slack_webhook_url: HttpUrl | None = None
    enabled: Flag = True
    template: Text | None = Field(default=None, max_length=64)

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the name must not be blank")
        return value

    @field_validator("channels")
    @classmethod
    def _dedupe(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _consistent(self) -> RuleSpec:
        if self.campaign_id is not None and self.scope != "campaign":
            raise ValueError("campaign_id needs scope 'campaign'")
        if self.kind == "pacing" and self.condition != "above":
            raise ValueError(
                "a pacing rule fires when pacing is off by more than the threshold (condition 'above')"
            )
        if "webhook" in self.channels and self.webhook_url is None:
            raise ValueError("the webhook channel needs webhook_url")
        if "slack" in self.channels and self.slack_webhook_url is None:
            raise ValueError("the slack channel needs slack_webhook_url")
        if self.email_to is not None and "@" not in self.email_to:
            raise ValueError("email_to must be an e-mail address")
        return self


class Template(BaseModel):
    key: str
    title: str
    description: str
    spec: dict[str, object]


TEMPLATES: tuple[Template, ...] = (
    Template(
        key="spend_no_conversions",
        title="Spending with no conversions",
        description="Today the campaign spent at least {amount} and converted nothing.",
        spec={
            "scope": "campaign",
            "metric": "conversions",
            "condition": "below",
            "threshold": "1",
            "window": "today",
            "min_spend": "20",
        },
    ),
    Template(
        key="cpa_above_7d_average",
        title="CPA 30% above its 7-day average",
        description="Yesterday's CPA is more than 30% above the CPA of the 7 days before.",
        spec={
            "scope": "account",
            "metric": "cpa",
            "condition": "change_above",
            "threshold": "30",
            "baseline": "trailing_7d",
            "window": "yesterday",
            "min_spend": "50",
        },
    ),
    Template(
        key="roas_below_1",
        title="ROAS below 1",
        description="Over the last 3 days the ads brought back less than they cost.",
        spec={
            "scope": "account",
            "metric": "roas",
            "condition": "below",
            "threshold": "1",
            "window": "last_3d",
            "min_spend": "50",
        },
    ),
    Template(
        key="frequency_above_4",
        title="Frequency above 4 (creative fatigue)",
        description="People saw the ads more than 4 times each over the last 7 days.",
        spec={
            "scope": "account",
            "metric": "frequency",
            "condition": "above",
            "threshold": "4",
            "window": "last_7d",
            "min_impressions": 1000,
        },
    ),
    Template(
        key="active_no_delivery",
        title="An active campaign delivered nothing today",
        description="An active campaign has had no impressions today.",
        spec={
            "scope": "campaign",
            "metric": "impressions",
            "condition": "below",
            "threshold": "1",
            "window": "today",
        },
    ),
    Template(
        key="pacing_off",
        title="Budget pacing off by more than 25%",
        description="A campaign or ad set spends its budget more than 25% faster or slower than planned.",
        spec={
            "kind": "pacing",
            "scope": "account",
            "metric": "spend",
            "condition": "above",
            "threshold": "25",
        },
    ),
)
TEMPLATES_BY_KEY = {t.key: t for t in TEMPLATES}


def spec_from_template(key: str, ad_account_id: int, **overrides: object) -> RuleSpec:
    template = TEMPLATES_BY_KEY.get(key)
    if template is None:
        raise InvalidRule(f"Unknown template {key!r}; use one of: {', '.join(TEMPLATES_BY_KEY)}.")
    data = {
        "name": template.title,
        **template.spec,
        **overrides,
        "ad_account_id": ad_account_id,
        "template": key,
    }
    return RuleSpec(**data)  # type: ignore[arg-type]


def describe(rule: object, locale: str | None = "en", currency: str | None = None) -> str:
    """One line a marketer reads: "CPA 30% above the trailing 7 days, yesterday (spend at least 50)".

    English by default (the API's ``description``); pages pass the reader's locale and the
    account's currency, so amounts read as money ("spend at least R$50.00").
    """
    kind = getattr(rule, "kind", "metric")
    raw_threshold = getattr(rule, "threshold", Decimal(0))
    if kind == "pacing":
        return t("rule.pacing", locale, threshold=_num(raw_threshold))
    metric_key = getattr(rule, "metric", "")
    metric = t(f"rule.metric.{metric_key}", locale, default=metric_key)
    condition = getattr(rule, "condition", "above")
    window = t(f"rule.window.{getattr(rule, 'window', '')}", locale, default="")
    base = t(
        "rule.base.trailing_7d"
        if getattr(rule, "baseline", "") == "trailing_7d"
        else "rule.base.previous_period",
        locale,
    )
    # A money metric's threshold is an amount; a change's threshold is a percent.
    catalogued = CATALOGUE.get(metric_key)
    is_amount = condition in ("above", "below") and catalogued is not None and catalogued.kind == "money"
    threshold = _amount(raw_threshold, currency, locale) if is_amount else _num(raw_threshold)
    text = t(f"rule.{condition}", locale, metric=metric, threshold=threshold, window=window, base=base)
    volumes = []
    if getattr(rule, "min_spend", None):
        amount = _amount(rule.min_spend, currency, locale)  # type: ignore[attr-defined]
        volumes.append(t("rule.min_spend", locale, amount=amount))
    if getattr(rule, "min_impressions", None):
        volumes.append(t("rule.min_impressions", locale, count=rule.min_impressions))  # type: ignore[attr-defined]
    return text + (f" ({', '.join(volumes)})" if volumes else "")


def template_description(template: Template, currency: str | None, locale: str | None) -> str:
    """The template's one-line promise, its minimum spend in the chosen account's currency."""
    amount = _amount(Decimal(str(template.spec.get("min_spend", 0))), currency, locale)
    return t(
        f"alerts.template.{template.key}.description", locale, default=template.description, amount=amount
    )


def _amount(value: Decimal | int, currency: str | None, locale: str | None) -> str:
    return format_money(Decimal(value), currency, locale) if currency else _num(value)


def _num(value: Decimal | int) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
