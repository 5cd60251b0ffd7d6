"""Each template against the synced sandbox account (today pinned): real numbers that trigger it,
and numbers that do not; where the sandbox's normal data never crosses a template's line, the rows are
changed the way the situation would change them (a campaign that stops delivering, a smaller reach)."""

from __future__ import annotations

from datetime import timedelta

from tests.alerts.helpers import TODAY, campaign_named, evaluate, execute, firing, rebuild, rule_from
from trafficdash import db


def test_spending_with_no_conversions_fires_for_the_campaign_that_converted_nothing(data):
    outcome = evaluate(rule_from(data, "spend_no_conversions"))
    # Today (12:00 local) the Leads campaign spent 1,017.36 and Black Friday 03 225.59, neither
    # converting; the Lookalike converted once.
    assert firing(outcome) == {"[Leads] Catalog 02", "[Sales] Black Friday 03"}
    assert {o.subject_name: o.holds for o in outcome.observations} == {
        "[Leads] Catalog 02": True,
        "[Sales] Black Friday 03": True,
        "[Sales] Lookalike 1% 01": False,
    }
    spent = {o.subject_name: o.values["spend"] for o in outcome.observations if o.holds}
    assert spent == {"[Leads] Catalog 02": "1017.36", "[Sales] Black Friday 03": "225.59"}
    assert all(o.values["value"] == "0.0000" for o in outcome.observations if o.holds)


def test_spending_with_no_conversions_respects_the_minimum_spend(data):
    outcome = evaluate(rule_from(data, "spend_no_conversions", min_spend="5000"))
    assert firing(outcome) == set()
    assert all(o.holds is None for o in outcome.observations)  # too little volume to judge
    assert outcome.state == "no_data"


def test_cpa_above_its_7_day_average(data):
    quiet = evaluate(rule_from(data, "cpa_above_7d_average"))
    # Yesterday's CPA (448.10) is only 2% above the trailing week's (438.33): the template stays quiet.
    assert quiet.state == "ok" and firing(quiet) == set()
    loud = evaluate(rule_from(data, "cpa_above_7d_average", window="today"))
    # Today so far: 1,943.09 for 1 conversion, more than four times the week's CPA (421.01).
    assert loud.state == "firing"
    (obs,) = loud.observations
    assert obs.values["value"] == "1943.09"
    assert float(obs.values["change_pct"]) > 100


def test_roas_below_1(data):
    account = evaluate(rule_from(data, "roas_below_1"))
    assert account.state == "firing"  # the account returned 0.68 per unit spent over the last 3 days
    (obs,) = account.observations
    assert obs.values["value"] == "0.6819"
    lookalike = campaign_named(data, "[Sales] Lookalike")
    good = evaluate(rule_from(data, "roas_below_1", scope="campaign", campaign_id=lookalike))
    assert good.state == "ok" and firing(good) == set()


def test_frequency_above_4(data):
    quiet = evaluate(rule_from(data, "frequency_above_4"))
    assert quiet.state == "ok"  # 3.14 over the last 7 days
    # The same impressions reaching a third of the people: creative fatigue.
    execute(
        "UPDATE period_reach SET reach = reach / 3 WHERE level = 'account' AND date_start = :s AND date_stop = :u",
        s=TODAY - timedelta(days=7),
        u=TODAY - timedelta(days=1),
    )
    from trafficdash.analytics.cache import bump_account_version

    bump_account_version(data.account_id)
    loud = evaluate(rule_from(data, "frequency_above_4"))
    assert loud.state == "firing"
    assert float(loud.observations[0].values["value"]) > 9


def test_an_active_campaign_that_delivered_nothing_today(data):
    rule_id = rule_from(data, "active_no_delivery")
    assert firing(evaluate(rule_id)) == set()  # every active campaign has impressions today
    black_friday = campaign_named(data, "[Sales] Black Friday")
    execute("DELETE FROM insights_daily WHERE campaign_id = :c AND date = :d", c=black_friday, d=TODAY)
    with db.session_scope() as session:
        rebuild(session, data.account_id, TODAY, TODAY)
    assert firing(evaluate(rule_id)) == {"[Sales] Black Friday 03"}


def test_every_template_reads_as_one_line_in_both_languages() -> None:
    from trafficdash.alerts.rules import TEMPLATES, describe, spec_from_template

    lines = {
        t.key: (describe(spec_from_template(t.key, 1)), describe(spec_from_template(t.key, 1), "pt_BR"))
        for t in TEMPLATES
    }
    assert lines["roas_below_1"] == (
        "ROAS below 1, last 3 days (spend at least 50)",
        "ROAS abaixo de 1, últimos 3 dias (gasto de pelo menos 50)",
    )
    assert lines["cpa_above_7d_average"] == (
        "CPA 30% above the trailing 7 days, yesterday (spend at least 50)",
        "CPA 30% acima dos 7 dias anteriores, ontem (gasto de pelo menos 50)",
    )
    assert lines["pacing_off"][1] == "Ritmo do orçamento desviado em mais de 25%"
    # No key leaks through as text.
    assert not any("rule." in line for pair in lines.values() for line in pair), lines


def test_amounts_read_as_money_in_the_accounts_currency() -> None:
    from trafficdash.alerts.rules import TEMPLATES_BY_KEY, RuleSpec, describe, template_description

    cpa = RuleSpec(
        ad_account_id=1, name="CPA", metric="cpa", condition="above", threshold="35", min_spend="50"
    )
    assert describe(cpa, "en", "BRL") == "CPA above R$35.00, today (spend at least R$50.00)"
    assert describe(cpa) == "CPA above 35, today (spend at least 50)"  # the API's, currency-free
    ctr = RuleSpec(ad_account_id=1, name="CTR", metric="ctr", condition="below", threshold="1.5")
    assert describe(ctr, "en", "USD").startswith("CTR below 1.5,")  # not money: as entered
    no_conversions = TEMPLATES_BY_KEY["spend_no_conversions"]
    assert template_description(no_conversions, "USD", "en") == (
        "Today the campaign spent at least $20.00 and converted nothing."
    )
    assert template_description(no_conversions, "BRL", "pt_BR") == (
        "Hoje a campanha gastou pelo menos R$\u00a020,00 e não converteu nada."
    )
    assert template_description(no_conversions, None, "en") == (
        "Today the campaign spent at least 20 and converted nothing."
    )


def test_a_message_never_shows_a_firing_value_equal_to_its_threshold() -> None:
    from decimal import Decimal
    from types import SimpleNamespace

    from trafficdash.alerts.observe import judge

    def rule(metric: str, threshold: str) -> SimpleNamespace:
        return SimpleNamespace(
            metric=metric, condition="above", threshold=Decimal(threshold), window="today",
            min_spend=None, min_impressions=None, baseline=None,
        )  # fmt: skip

    holds, _, text = judge(rule("cpc", "0.75"), {"cpc": Decimal("0.754")}, None, 1, "USD")
    assert holds and text == "CPC is $0.7540 (threshold $0.7500)"
    holds, _, text = judge(rule("cpc", "12.3"), {"cpc": Decimal("12.4")}, None, 1, "JPY")
    assert holds and text == "CPC is ¥12.4000 (threshold ¥12.3000)"
    # The usual rounding when it already tells them apart.
    _, _, text = judge(rule("cpa", "30"), {"cpa": Decimal("41.257")}, None, 1, "BRL")
    assert text == "CPA is R$41.26 (threshold R$30.00)"
