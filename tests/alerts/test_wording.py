"""Alerts re-said for a Portuguese reader from their stored values, and said again in English exactly
as they were stored when they fired."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from tests.alerts.helpers import evaluate, rule_from
from trafficdash.alerts import wording
from trafficdash.alerts.observe import Observation, judge
from trafficdash.models import Alert, AlertRule


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
        "Loja Brasil: ROAS em 0,68x (limite: 1,00x).",
    )
    assert wording._resaid(alert, "BRL", "en") == (alert.title, alert.message)


def test_a_pacing_alert_in_portuguese(data) -> None:
    outcome = evaluate(rule_from(data, "pacing_off", threshold="5"))
    obs = next(o for o in outcome.observations if o.subject_name == "[Sales] Lookalike 1% 01")
    alert = _stored(obs, "pacing", "spend")
    _, text = wording.alert_wording(alert, "BRL", "pt_BR")
    assert text == (
        "[Sales] Lookalike 1% 01 (campanha, orçamento diário de R$\u00a01.549,00): gastou R$\u00a0700,14 contra "
        "R$\u00a0774,50 esperados até agora, 9,60% abaixo do planejado; projeção de R$\u00a01.400,28 até o fim do dia."
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
    assert said == "Summer: CPA em US$\u00a052,50, 50,00% acima da referência de US$\u00a035,00."
    assert wording._resaid(alert, "USD", "en") == (alert.title, alert.message)


def test_values_it_does_not_know_fall_back_to_the_stored_english() -> None:
    alert = Alert(
        kind="rule", subject_name="X", metric="roas", title="T", message="M", values={"metric": "roas"}
    )
    assert wording.alert_wording(alert, "USD", "pt_BR") == ("T", "M")
    assert wording.alert_wording(alert, "USD", "en") == ("T", "M")


def test_a_reader_in_portuguese_sees_the_difference_that_made_it_fire() -> None:
    rule = SimpleNamespace(
        metric="cpc", condition="above", threshold=Decimal("1.75"), window="today",
        baseline=None, min_spend=None, min_impressions=None,
    )  # fmt: skip
    holds, values, text = judge(rule, {"cpc": Decimal("1.754")}, None, 1, "BRL")
    assert holds and values["value"] == "1.75"  # rounded for display elsewhere; the exact one is kept too
    obs = Observation("account:1", "Loja", None, holds, "CPC: Loja", f"Loja: {text}.", values)
    _, said = wording.alert_wording(_stored(obs, "rule", "cpc"), "BRL", "pt_BR")
    assert said == "Loja: CPC em R$\u00a01,7540 (limite: R$\u00a01,7500)."


def test_a_firing_rule_line_shows_three_alerts_and_counts_the_rest(data) -> None:
    from trafficdash import db
    from trafficdash.services import alerts

    rule_id = rule_from(data, "roas_below_1")
    values = {"metric": "roas", "condition": "below", "value": "0.50", "threshold": "1.00"}
    with db.session_scope() as session:
        for n in range(5):
            session.add(
                Alert(kind="rule", rule_id=rule_id, user_id=data.user_id, ad_account_id=data.account_id,
                      subject_key=f"campaign:{n}", subject_name=f"C{n}", metric="roas", title=f"T{n}",
                      message=f"C{n}: ROAS is 0.50x (threshold 1.00x).", values=values)
            )  # fmt: skip
    currencies = alerts.alert_accounts(data.user_id).currencies
    with db.session_scope() as session:
        session.get(AlertRule, rule_id).state = "firing"
    lines = alerts.rule_lines(data.user_id, currencies, "pt_BR")
    line = next(r.summary for r in lines if r.id == rule_id)
    assert line.count("ROAS em 0,50x (limite: 1,00x).") == 3 and line.endswith("(+2 outros)"), line
