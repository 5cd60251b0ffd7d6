"""The Alerts page: a rule from a template in two clicks, seeing it fire, acknowledging it."""

from __future__ import annotations

from nicegui.testing import User as SimUser

from tests.alerts.conftest import NOW
from tests.support import sign_in
from trafficdash.alerts import evaluation


async def test_create_from_template_fire_and_acknowledge(user: SimUser, data, monkeypatch) -> None:
    monkeypatch.setattr(evaluation, "utcnow", lambda: NOW)  # "Evaluate now" at the sandbox's pinned time
    await sign_in(user, data.user_id, "/alerts")
    await user.should_see("Templates")
    await user.should_see("No rules yet: pick a template above.")
    # Amounts in the chosen account's currency (Loja Brasil: BRL).
    await user.should_see("Today the campaign spent at least R$20.00 and converted nothing.")
    # Clicks do their database work in a worker thread (ui.io.load): the page answers shortly after.
    user.find(marker="template-roas_below_1").click()  # the account is preselected: the second click
    await user.should_see("Rule created: ROAS below 1", retries=50)
    await user.should_see("ROAS below 1, last 3 days (spend at least R$50.00)", retries=50)
    await user.should_see("new")
    user.find(content="Evaluate now").click()
    await user.should_see("1 alert fired", retries=50)
    await user.should_see("firing", retries=50)
    await user.should_see("Loja Brasil: ROAS is 0.68x (threshold 1.00x).", retries=50)
    await user.should_see(marker="alert-bell")
    user.find(content="Acknowledge").click()
    await user.should_see("Acknowledged ", retries=50)  # "Acknowledged <date>" replaces the button
    await user.should_not_see(marker="ack-1")
    # The same alert for a reader in Portuguese.
    user.find(marker="locale-switch").elements.pop().set_value("pt_BR")
    await user.open("/alerts")
    await user.should_see("Loja Brasil: ROAS em 0,68x (limite: 1,00x).")  # the alert
    await user.should_see(content="Última avaliação")  # and the firing rule's line, said the same way
    rule_line = next(e.text for e in user.find(content="Última avaliação").elements)
    assert rule_line.endswith(": Loja Brasil: ROAS em 0,68x (limite: 1,00x)."), rule_line
    await user.should_see("ROAS abaixo de 1, últimos 3 dias (gasto de pelo menos R$\u00a050,00)")


async def test_alerts_page_sends_anonymous_visitors_to_sign_in(user: SimUser) -> None:
    await user.open("/alerts")
    await user.should_see("Continue with Facebook")
