"""Alerts re-said for a Portuguese reader from their stored values, and said again in English exactly
as they were stored when they fired."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from tests.alerts.helpers import evaluate, rule_from
from trafficdash.alerts import wording
from trafficdash.alerts.observe import Observation, judge
from trafficdash.models import Alert


def _stored(obs: Observation, kind: str, metric: str) -> Alert:
    """The alert evaluation.py stores for a firing observation."""
    return Alert(
        kind=kind,
        subject_key=obs.subject_key,
        subject_name=obs.subject_name,
        metric=metric,
        title=obs.title,
        message=obs.message,
        values=obs.values,
    )


def test_a_rule_alert_in_portuguese(data) -> None:
    outcome = evaluate(rule_from(data, "roas_below_1"))
    (obs,) = [o for o in outcome.observations if o.holds]
    alert = _stored(obs, "rule", "roas")
    assert wording.alert_wording(alert, "BRL", "pt_BR") == (
        "ROAS below 1: Loja Brasil",  # the rule's name is the user's own
        "Loja Brasil: ROAS está em 0,65x (limite 1,00x).",
    )
    assert wording._resaid(alert, "BRL", "en") == (alert.title, alert.message)


def test_a_pacing_alert_in_portuguese(data) -> None:
    outcome = evaluate(rule_from(data, "pacing_off", threshold="5"))
    obs = next(o for o in outcome.observations if o.subject_name == "[Sales] Lookalike 1% 01")
    alert = _stored(obs, "pacing", "spend")
    _, text = wording.alert_wording(alert, "BRL", "pt_BR")
    assert text == (
        "[Sales] Lookalike 1% 01 (campanha, orçamento diário de R$ 1.549,00): gastou R$ 700,14 contra "
        "R$ 774,50 esperados até agora, 9,60% abaixo do planejado; projeção de R$ 1.400,28 até o fim do dia."
    )
    assert wording._resaid(alert, "BRL", "en") == (alert.title, alert.message)


def test_a_change_alert_in_portuguese() -> None:
    rule = SimpleNamespace(
        metric="cpa", condition="change_above", threshold=Decimal(30), window="yesterday",
        baseline="previous_period", min_spend=None, min_impressions=None,
    )  # fmt: skip
    holds, values, text = judge(rule, {"cpa": Decimal("52.5")}, {"cpa": Decimal("35")}, 1, "USD")
    assert holds and text == "CPA is $52.50, 50.00% above its baseline $35.00"
    obs = Observation("campaign:1", "Summer", 1, holds, "CPA up: Summer", f"Summer: {text}.", values)
    alert = _stored(obs, "rule", "cpa")
    _, said = wording.alert_wording(alert, "USD", "pt_BR")
    assert said == "Summer: CPA está em US$ 52,50, 50,00% acima da referência US$ 35,00."
    assert wording._resaid(alert, "USD", "en") == (alert.title, alert.message)


def test_values_it_does_not_know_fall_back_to_the_stored_english() -> None:
    alert = Alert(
        kind="rule", subject_name="X", metric="roas", title="T", message="M", values={"metric": "roas"}
    )
    assert wording.alert_wording(alert, "USD", "pt_BR") == ("T", "M")
    assert wording.alert_wording(alert, "USD", "en") == ("T", "M")
