from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from nicegui import app, ui
from nicegui.testing import User

from tests.support import _browser_session_id
from tests.ui.conftest import World, open_as, settled
from trafficdash import db
from trafficdash.analytics import service
from trafficdash.analytics.schemas import Filters
from trafficdash.i18n import format_money, format_time
from trafficdash.i18n.metric_format import format_metric
from trafficdash.models import AdAccount

WEEK2 = {"since": date(2024, 1, 8), "until": date(2024, 1, 14)}


async def test_audience_heatmap_and_countries_equal_the_service(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/audience", account_key="cur:USD")
    await user.should_see(marker="age-gender-heatmap")
    with db.session_scope() as session:
        filters = Filters(currency="USD", compare="none", **WEEK2)
        age_gender = service.breakdown(session, world.ana.id, filters, "age_gender")[0]
        country = service.breakdown(session, world.ana.id, filters, "country")[0]
    chart = user.find(marker="age-gender-heatmap").elements.pop()
    assert chart.options["xAxis"]["data"] == sorted({r.value_1 for r in age_gender.rows})
    assert sorted(c[2] for c in chart.options["series"][0]["data"]) == sorted(
        float(r.spend) for r in age_gender.rows
    )
    table = user.find(marker="country-table").elements.pop()
    assert isinstance(table, ui.table)
    assert [r["label"] for r in table.rows] == [r.label for r in country.rows]
    assert [r["spend"] for r in table.rows] == [format_money(r.spend, "USD", "en") for r in country.rows]

    user.find(marker="heatmap-metric").elements.pop().set_value("clicks")
    await settled(user)
    chart = user.find(marker="age-gender-heatmap").elements.pop()
    assert sorted(c[2] for c in chart.options["series"][0]["data"]) == sorted(
        float(r.clicks) for r in age_gender.rows
    )


async def test_audience_without_breakdowns_in_range(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/audience", account_key="cur:BRL")
    await user.should_see("No data in this range")


async def test_accounts_page_shows_currency_timezone_and_freshness(user: User, world: World) -> None:
    with db.session_scope() as session:
        account = session.get(AdAccount, 101)
        assert account is not None
        synced = datetime.now(UTC) - timedelta(hours=3, minutes=5)
        account.last_synced_at = synced
        account.timezone_name = "America/Sao_Paulo"
    await open_as(user, world.ana.id, "/accounts")
    await user.should_see("Store One")
    await user.should_see("Loja")
    await user.should_not_see("Bob's")
    await user.should_see("America/Sao_Paulo")
    await user.should_see("3 hours ago")
    # The last sync in the account's time zone (as its schedule and the Sync page show times).
    local = synced.astimezone(ZoneInfo("America/Sao_Paulo"))
    shown = [e.text for e in user.find(marker="account-last-sync").elements]
    assert format_time(local, "en") in " ".join(shown)
    assert format_time(synced, "en") not in " ".join(shown)
    await user.should_see("Never synced")
    await user.should_see("BRL")


async def test_audience_in_portuguese_names_countries_and_genders_in_portuguese(
    user: User, world: World
) -> None:
    await open_as(user, world.ana.id, "/audience", account_key="cur:USD")
    user.find(marker="locale-switch").elements.pop().set_value("pt_BR")
    await user.open("/audience")
    await user.should_see(marker="country-table")
    table = user.find(marker="country-table").elements.pop()
    assert [r["label"] for r in table.rows] == ["Brasil", "Portugal"]  # Meta's "BR" and "PT"
    chart = user.find(marker="age-gender-heatmap").elements.pop()
    assert chart.options["yAxis"]["data"] == ["Feminino", "Masculino"]


async def test_locale_switch_translates_and_formats(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:BRL")
    await user.should_see("Amount spent")
    user.find(marker="locale-switch").elements.pop().set_value("pt_BR")
    assert app.storage._users[_browser_session_id(user)]["locale"] == "pt_BR"
    await user.open("/")
    await user.should_see("Valor gasto")
    await user.should_see("Visão geral")
    assert user.find(marker="sync-now-header").elements.pop().props["label"] == "Sincronizar"
    with db.session_scope() as session:
        kpis = service.summary(session, world.ana.id, Filters(currency="BRL", **WEEK2)).groups[0].kpis
    spend = user.find(marker="kpi-value-spend").elements.pop().text
    assert spend == format_metric("spend", kpis["spend"].value, "BRL", "pt_BR")
    assert spend.startswith("R$\u00a0") and "," in spend  # never wraps between symbol and amount
    await user.should_see("8\u2009–\u200914 de jan. de 2024")  # the range, as CLDR says it in pt-BR
    await user.open("/campaigns")
    await user.should_see("Campanhas")
    await user.open("/sync")
    for text in ("Agendamentos", "Histórico", "Releitura noturna", "A cada 3 horas"):
        await user.should_see(text)
    await user.open("/alerts")
    for text in ("Modelos", "ROAS abaixo de 1", "Nenhuma regra ainda: escolha um modelo acima."):
        await user.should_see(text)
    await user.open("/settings")
    for text in ("Conexão com o Facebook", "Tokens pessoais de API", "Equipe", "Configurações"):
        await user.should_see(text)
    user.find(marker="locale-switch").elements.pop().set_value("es_419")
    await user.open("/")
    for text in ("Importe gastado", "Resumen", "Campañas principales"):
        await user.should_see(text)
    spend = user.find(marker="kpi-value-spend").elements.pop().text
    assert spend == format_metric("spend", kpis["spend"].value, "BRL", "es_419")
    assert spend.startswith("BRL\u00a0") and "." in spend
    user.find(marker="locale-switch").elements.pop().set_value("en")
    await user.open("/campaigns")
    await user.should_see("Campaigns")
    assert user.find(marker="sync-now-header").elements.pop().props["label"] == "Sync now"


async def test_a_first_visit_follows_the_browsers_language(user: User) -> None:
    user.http_client.headers["accept-language"] = "pt-BR,pt;q=0.9,en;q=0.8"
    await user.open("/login")
    await user.should_see("Continuar com o Facebook")
    await user.should_see("Seus anúncios do Meta, num painel tranquilo.")
    # Detected, not saved: cookieless visitors (crawlers, uptime checks) leave no storage behind.
    assert all("locale" not in storage for storage in app.storage._users.values())
