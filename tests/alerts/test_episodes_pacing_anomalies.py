"""Fire once per episode, snooze and mute; pacing figures by hand; anomalies on real and spiked data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests.alerts.conftest import NOW
from tests.alerts.helpers import TODAY, evaluate, execute, rebuild, rule_from
from trafficdash import db
from trafficdash.alerts import anomalies, pacing, service, wording
from trafficdash.i18n import format_date
from trafficdash.models import Alert, AlertDelivery

PT_WEEKDAYS = (
    "das segundas-feiras", "das terças-feiras", "das quartas-feiras", "das quintas-feiras",
    "das sextas-feiras", "dos sábados", "dos domingos",
)  # fmt: skip


def _alerts() -> list[Alert]:
    with db.session_scope() as session:
        return list(session.scalars(sa.select(Alert).order_by(Alert.id)))


def test_fires_once_per_episode_and_rearms_when_it_clears(data):
    rule_id = rule_from(data, "roas_below_1")
    first = evaluate(rule_id)
    assert len(first.fired) == 1
    again = evaluate(rule_id, NOW + timedelta(minutes=15))
    assert again.fired == [] and again.state == "firing"  # still holding: no second notification
    assert len(_alerts()) == 1
    with db.session_scope() as session:  # the condition clears (threshold lowered below the value)
        rule = service.get_rule(session, data.user_id, rule_id)
        rule.threshold = Decimal("0.5")
    cleared = evaluate(rule_id, NOW + timedelta(minutes=30))
    assert cleared.resolved == first.fired and cleared.state == "ok"
    with db.session_scope() as session:
        service.get_rule(session, data.user_id, rule_id).threshold = Decimal(1)
    rearmed = evaluate(rule_id, NOW + timedelta(minutes=45))
    assert len(rearmed.fired) == 1 and rearmed.fired != first.fired  # a new episode
    alerts = _alerts()
    assert [a.resolved_at is not None for a in alerts] == [True, False]
    assert alerts[1].values["value"] == "0.6819" and alerts[1].values["threshold"] == "1.00"
    with db.session_scope() as session:
        deliveries = list(session.scalars(sa.select(AlertDelivery)))
    assert [(d.channel, d.status) for d in deliveries] == [("in_app", "sent"), ("in_app", "sent")]


def test_snooze_holds_notifications_until_it_ends(data):
    rule_id = rule_from(data, "roas_below_1")
    with db.session_scope() as session:
        service.set_snooze(session, data.user_id, rule_id, NOW + timedelta(hours=2))
    snoozed = evaluate(rule_id)
    assert snoozed.fired == [] and snoozed.state == "snoozed" and _alerts() == []
    later = evaluate(rule_id, NOW + timedelta(hours=3))
    assert len(later.fired) == 1 and later.state == "firing"


def test_mute_until_unmuted_and_acknowledge(data):
    rule_id = rule_from(data, "roas_below_1")
    fired = evaluate(rule_id).fired
    with db.session_scope() as session:
        assert service.unread_count(session, data.user_id) == 1
        service.mute_alert(session, data.user_id, fired[0])
        assert service.unread_count(session, data.user_id) == 0
        alert = session.get(Alert, fired[0])
        assert alert.acknowledged_at is not None and alert.acknowledged_by == data.user_id
        service.get_rule(session, data.user_id, rule_id).threshold = Decimal("0.5")
    evaluate(rule_id, NOW + timedelta(minutes=15))  # clears
    with db.session_scope() as session:
        service.get_rule(session, data.user_id, rule_id).threshold = Decimal(1)
    muted = evaluate(rule_id, NOW + timedelta(minutes=30))
    assert muted.fired == [] and muted.state == "muted"
    with db.session_scope() as session:
        service.set_muted(session, data.user_id, rule_id, False)
    assert len(evaluate(rule_id, NOW + timedelta(minutes=45)).fired) == 1


# ---- pacing -------------------------------------------------------------------------------------------------

SP = ZoneInfo("America/Sao_Paulo")


def test_daily_pacing_by_hand():
    # 18:00 local = 3/4 of the day; budget 200, spent 120: expected 150, pace 0.8, projected 160.
    p = pacing.daily_pacing(Decimal(200), Decimal(120), datetime(2026, 11, 20, 18, 0, tzinfo=SP))
    assert p.elapsed_share == Decimal("0.75")
    assert p.expected_to_date == Decimal(150)
    assert p.projected == Decimal(160)
    assert p.pace == Decimal("0.8") and p.off_by == Decimal("-0.2")
    assert not p.is_off(Decimal("0.25")) and p.is_off(Decimal("0.1"))
    early = pacing.daily_pacing(Decimal(200), Decimal(50), datetime(2026, 11, 20, 1, 0, tzinfo=SP))
    assert (
        early.pace is not None and early.pace > 5 and not early.is_off(Decimal("0.25"))
    )  # 1/24 of a day: too early


def test_lifetime_pacing_by_hand():
    start = datetime(2026, 11, 1, tzinfo=UTC)
    end = datetime(2026, 12, 1, tzinfo=UTC)
    # 12 of 30 days gone: 40% of 3,000 = 1,200 expected; 1,800 spent -> 1.5x, projected 4,500.
    p = pacing.lifetime_pacing(Decimal(3000), Decimal(1800), start, end, datetime(2026, 11, 13, tzinfo=UTC))
    assert p.elapsed_share == Decimal("0.4")
    assert p.expected_to_date == Decimal(1200)
    assert p.projected == Decimal(4500)
    assert p.off_by == Decimal("0.5") and p.is_off(Decimal("0.25"))
    after = pacing.lifetime_pacing(
        Decimal(3000), Decimal(2900), start, end, datetime(2026, 12, 5, tzinfo=UTC)
    )
    assert after.elapsed_share == 1 and after.projected == Decimal(2900)


def test_pacing_rule_on_the_sandbox_budgets(data):
    outcome = evaluate(rule_from(data, "pacing_off"))
    # At 12:00 in Sao Paulo half of each daily budget is expected; checked by hand from the spend today.
    by_name = {o.subject_name: o for o in outcome.observations}
    lookalike = by_name["[Sales] Lookalike 1% 01"]  # campaign budget 1,549; spent 700.14 by noon
    assert lookalike.values["elapsed_share"] == "0.5000"
    assert lookalike.values["expected_to_date"] == "774.50"
    assert lookalike.values["actual_to_date"] == "700.14"
    assert lookalike.values["projected"] == "1400.28"
    assert lookalike.values["off_by_pct"] == "-9.60" and lookalike.holds is False
    # People read the amounts in the account's currency.
    assert "daily budget R$1,549.00): spent R$700.14 vs R$774.50 expected" in lookalike.message
    # Ad sets with their own budgets are checked too (the Lookalike's ad sets share the campaign's).
    assert {o.values["level"] for o in outcome.observations} == {"campaign", "adset"}
    # The Lookalike and the three ad sets with budgets of their own that still deliver today.
    assert sorted(by_name) == ["Broad All #1", "EU 35-65+ #2", "US 25-54 #1", "[Sales] Lookalike 1% 01"]
    assert by_name["US 25-54 #1"].holds is True and by_name["US 25-54 #1"].values["off_by_pct"] == "-32.15"


# ---- anomalies ----------------------------------------------------------------------------------------------


def test_anomalies_stay_quiet_on_the_normal_demo_data(data):
    with db.session_scope() as session:
        for back in range(1, 8):
            assert anomalies.find_anomalies(session, data.account_id, TODAY - timedelta(days=back)) == []


def test_anomalies_find_an_injected_spike_on_instagram_reels(data):
    day = TODAY - timedelta(days=1)
    execute(
        "UPDATE insights_breakdown SET spend = spend * 4, impressions = impressions * 4 "
        "WHERE date = :d AND breakdown = 'placement' AND value_1 = 'instagram' AND value_2 = 'instagram_reels'",
        d=day,
    )
    with db.session_scope() as session:
        rebuild(session, data.account_id, day, day)
        found = anomalies.run_for_account(session, data.account_id, NOW)
        again = anomalies.run_for_account(session, data.account_id, NOW)
    assert again == []  # once per metric, slice and day
    messages = [a.message for a in found]
    assert messages and all("Instagram" in m for m in messages), messages
    spend = next(a for a in found if a.metric == "spend")
    weekday = day.strftime("%A")
    # That Thursday's Reels spend was already above its median; x4 makes it 5.8x the usual Thursday.
    assert spend.message.startswith(f"Spend on Instagram · Reels is 5.8x its usual {weekday} (R$1,237.36 on ")
    assert spend.values["ratio"] == "5.75" and spend.kind == "anomaly" and spend.user_id is None
    # Re-said for a Portuguese reader from the stored values; said again in English, it is the stored text.
    title, text = wording.alert_wording(spend, "BRL", "pt_BR")
    assert title == "Gasto fora do normal em Instagram · Reels"
    assert text == (
        f"Gasto em Instagram · Reels: 5,8x o habitual {PT_WEEKDAYS[day.weekday()]} (R$\u00a01.237,36 em "
        f"{format_date(day, 'pt_BR')}; R$\u00a0215,19 é a mediana {PT_WEEKDAYS[day.weekday()]} nas últimas 6 semanas)."
    ), text
    assert all(wording._resaid(a, "BRL", "en") == (a.title, a.message) for a in found)
    assert len(spend.values["history"]) == anomalies.WEEKS
    with db.session_scope() as session:  # everyone who sees the account sees it
        assert {a.id for a in service.list_alerts(session, data.user_id)} == {a.id for a in found}
