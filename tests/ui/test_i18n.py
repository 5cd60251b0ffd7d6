from datetime import date
from decimal import Decimal

import pytest

from trafficdash.i18n import (
    format_change_percent,
    format_date,
    format_money,
    format_number,
    format_percent,
    normalize_locale,
    t,
)
from trafficdash.i18n.metric_format import format_metric

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "currency", "locale", "expected"),
    [
        # pt-BR keeps the symbol and the amount together: "R$ 50,00" never wraps
        (Decimal("1234.56"), "BRL", "pt_BR", f"R${NBSP}1.234,56"),
        (Decimal("1234.56"), "USD", "en", "$1,234.56"),
        (Decimal("1234.56"), "USD", "pt-BR", f"US${NBSP}1.234,56"),
        (Decimal("1234.56"), "BRL", "en", "R$1,234.56"),
        (Decimal("1234.56"), "MXN", "es_419", f"MXN{NBSP}1,234.56"),
        (Decimal("1234.56"), "ARS", "es-AR", f"ARS{NBSP}1,234.56"),
        (
            Decimal("0.005"),
            "USD",
            "en",
            "$0.01",
        ),  # half-up, like Meta's reports (Babel alone rounds half-even)
        (Decimal("0.125"), "USD", "en", "$0.13"),
        (Decimal("-0.004"), "USD", "en", "$0.00"),
        (Decimal("-12.5"), "EUR", "pt_BR", f"-€{NBSP}12,50"),
        (Decimal("1234567"), "JPY", "en", "¥1,234,567"),
        (Decimal("3"), "CHF", "en", f"CHF{NBSP}3.00"),  # CLDR spacing for a symbol made of letters
        # Meta's whole-unit currencies show no decimals in every locale
        (Decimal("150000"), "KRW", "pt_BR", f"₩{NBSP}150.000"),
        (Decimal("12500.4"), "CLP", "es_419", f"CLP{NBSP}12,500"),
        (Decimal("98765"), "COP", "en", f"COP{NBSP}98,765"),
        (Decimal("4500"), "HUF", "en", f"HUF{NBSP}4,500"),
        (Decimal("12.345"), "KWD", "en", f"KWD{NBSP}12.35"),  # Meta bills KWD in hundredths, not ISO's 3
        (None, "USD", "en", "—"),
    ],
)
def test_money(value: Decimal | None, currency: str, locale: str, expected: str) -> None:
    assert format_money(value, currency, locale) == expected


def test_money_is_exact_for_big_decimals() -> None:
    # A float would lose the cent here.
    assert format_money(Decimal("12345678901234.57"), "USD", "en") == "$12,345,678,901,234.57"


def test_numbers_percent_dates() -> None:
    assert format_number(1234, "pt_BR") == "1.234"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_percent(Decimal("12.34"), "pt_BR") == "12,3%"
    assert format_percent(Decimal("12.35"), "en") == "12.4%"
    assert format_change_percent(Decimal("5"), "en") == "+5.0%"
    assert format_change_percent(Decimal("-5"), "pt_BR") == "-5,0%"
    assert format_percent(None, "en") == "—"
    assert format_percent(Decimal("12.35"), "es_419") == "12.4%"
    assert format_number(1234567, "es_419") == "1,234,567"
    assert format_date(date(2026, 11, 20), "en") == "Nov 20, 2026"
    assert format_date(date(2026, 11, 20), "pt_BR") == "20 de nov. de 2026"
    assert format_date(date(2026, 11, 20), "es_419") == "20 nov 2026"
    assert format_date(date(2026, 11, 20), "pt_BR", short=True) == "20 de nov."
    assert format_date(date(2026, 11, 20), "en", short=True) == "Nov 20"


def test_ranges_and_moments_read_as_cldr_says() -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from trafficdash.i18n import format_date_range, format_datetime, format_time_ago

    week = (date(2026, 11, 1), date(2026, 11, 7))
    assert format_date_range(*week, "en") == "Nov 1\u2009–\u20097, 2026"
    assert format_date_range(*week, "pt_BR") == "1\u2009–\u20097 de nov. de 2026"
    assert (
        format_date_range(date(2026, 12, 28), date(2027, 1, 3), "en")
        == "Dec 28, 2026\u2009–\u2009Jan 3, 2027"
    )
    assert format_date_range(week[0], week[0], "en") == "Nov 1, 2026"
    moment = datetime(2026, 11, 20, 18, 4, tzinfo=UTC).astimezone(ZoneInfo("America/Sao_Paulo"))
    assert format_datetime(moment, "pt_BR") == "20 de nov. de 2026 15:04"  # in the moment's own zone
    assert format_datetime(moment, "en") == "Nov 20, 2026, 3:04\u202fPM"
    assert format_time_ago(timedelta(hours=3.2), "es_419") == "hace 3 horas"
    assert format_time_ago(timedelta(seconds=20), "en") is None


def test_metric_formats() -> None:
    assert format_metric("ctr", Decimal("1.23456"), "USD", "en") == "1.23%"
    assert format_metric("roas", Decimal("3.256"), "BRL", "pt_BR") == "3,26x"
    assert format_metric("cpa", None, "BRL", "pt_BR") == "—"
    assert format_metric("conversions", Decimal("7"), "USD", "en") == "7"
    assert format_metric("conversions", Decimal("7.5"), "USD", "en") == "7.50"
    assert format_metric("impressions", 1234567, "USD", "pt_BR") == "1.234.567"
    assert format_metric("cpc", Decimal("1.754"), "BRL", "pt_BR", precise=True) == f"R${NBSP}1,7540"


def test_t_falls_back_and_fills_placeholders() -> None:
    assert t("kpi.spend", "pt_BR") == "Valor gasto"
    assert t("filters.all_currency", "en", currency="BRL") == "All BRL accounts"
    assert t("kpi.spend", "es_419") == "Importe gastado"
    assert t("filters.all_currency", "es-MX", currency="MXN") == "Todas las cuentas en MXN"
    assert t("no.such.key", "pt_BR", default="Fallback") == "Fallback"
    assert normalize_locale("pt-BR") == "pt_BR"
    assert normalize_locale("es-AR") == "es_419"
    assert normalize_locale("de") == "en"


def test_counted_messages_follow_each_languages_plural_rules() -> None:
    from trafficdash.i18n import tn

    assert tn("alerts.open_count", 1, "en") == "1 open alert"
    assert tn("alerts.open_count", 0, "en") == "0 open alerts"
    assert tn("alerts.open_count", 0, "pt_BR") == "0 alerta aberto"  # CLDR: 0 and 1 are singular in pt
    assert tn("alerts.open_count", 2, "pt_BR") == "2 alertas abertos"
    assert tn("alerts.open_count", 1_000_000, "es_419") == "1000000 alertas abiertas"  # "many" falls back


def test_connection_sentences_in_both_languages() -> None:
    from datetime import UTC, datetime, timedelta

    from trafficdash.auth.connections import connection_state
    from trafficdash.models import User
    from trafficdash.ui.components.connection_banner import connection_message

    now = datetime(2026, 11, 29, 12, tzinfo=UTC)

    def state(days: float, status: str = "connected"):
        user = User(
            email="x@example.com", connection_status=status, meta_token_expires_at=now + timedelta(days=days)
        )
        return connection_state(user, now)

    assert connection_message(state(1.5), "pt_BR").startswith("Seu login do Facebook expira em 1 dia.")
    assert connection_message(state(3.5), "en").startswith("Your Facebook login expires in 3 days.")
    assert connection_message(state(0.5), "pt_BR").startswith("Seu login do Facebook expira hoje.")
    assert connection_message(state(-1), "pt_BR").startswith("Seu login do Facebook expirou")
    assert connection_message(state(30), "pt_BR") == "O Facebook está conectado."
    # The API keeps the English sentence, the same as the page in English.
    assert all(connection_message(state(d), "en") == state(d).message for d in (-1, 0.5, 1.5, 3.5, 30))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7", "pt_BR"),
        ("en-US,en;q=0.9,pt-BR;q=0.8", "en"),
        ("de-DE,de;q=0.9,pt;q=0.5", "pt_BR"),  # the first language we have
        ("fr-FR,en;q=0.1,pt;q=0.3", "pt_BR"),  # ranked by weight, not by position
        ("pt-PT", "pt_BR"),
        ("de-DE,fr;q=0.8", None),
        ("pt;q=0, en", "en"),
        ("", None),
        ("en;q=abc,pt", "pt_BR"),
        ("es-MX,es;q=0.9,en;q=0.8", "es_419"),
        ("es-ES", "es_419"),
    ],
)
def test_a_first_visit_gets_the_browsers_language(header: str, expected: str | None) -> None:
    from trafficdash.i18n.locales import preferred_locale

    assert preferred_locale(header) == expected


def test_breakdown_values_read_in_both_languages() -> None:
    from trafficdash.analytics.labels import breakdown_label

    assert breakdown_label("device", "mobile_app") == "Mobile app"
    assert breakdown_label("device", "mobile_app", "", "pt_BR") == "App para celular"
    assert breakdown_label("country", "br", "", "pt_BR") == "Brasil"
    assert breakdown_label("country", "QQ", "", "pt_BR") == "QQ"  # an unknown code stays a code
    assert breakdown_label("country", "PY", "", "pt-BR") == "Paraguai"  # either spelling of the locale
    assert breakdown_label("country", "", "", "pt_BR") == "Desconhecido"
    assert breakdown_label("age_gender", "25-34", "female", "pt_BR") == "25-34 · feminino"
    assert breakdown_label("placement", "instagram", "instagram_reels", "pt_BR") == "Instagram · Reels"
    assert (
        breakdown_label("placement", "facebook", "right_hand_column", "pt_BR")
        == "Facebook · Coluna da direita"
    )
    assert breakdown_label("placement", "facebook", "right_hand_column") == "Facebook · Right column"
    assert breakdown_label("device", "desktop", "", "es_419") == "Computadora"
    assert breakdown_label("country", "DE", "", "es_419") == "Alemania"
    assert breakdown_label("country", "KE", "", "pt_BR") == "Quênia"  # every country CLDR names


def test_data_freshness_reads_naturally() -> None:
    from trafficdash.ui.pages.accounts import freshness_text

    assert freshness_text(0.001, "en") == "just now"
    assert freshness_text(0.001, "pt_BR") == "agora mesmo"
    assert freshness_text(0.5, "pt_BR") == "há 30 minutos"
    assert freshness_text(3.2, "en") == "3 hours ago"
    assert freshness_text(72, "en") == "3 days ago"
    assert freshness_text(26, "es_419") == "hace 1 día"
    assert freshness_text(None, "en") == "Never synced"


def test_quasar_table_texts_follow_the_reader() -> None:
    from types import SimpleNamespace

    from trafficdash.ui.components.table_texts import localize_table

    table = localize_table(SimpleNamespace(props={}), "pt_BR")  # only its props matter to the browser
    assert table.props["rows-per-page-label"] == "Linhas por página:"
    assert table.props["no-data-label"] == "Nenhuma linha"
    assert table.props[":pagination-label"] == "(first, last, total) => first + '–' + last + \" de \" + total"


def test_a_quiet_rules_summary_in_the_readers_language() -> None:
    from trafficdash.services.alerts import _summary

    assert _summary("ok", "12 checked, none firing", "en") == "12 checked, none firing"
    assert _summary("ok", "12 checked, none firing", "pt_BR") == "Nada disparado."
    assert _summary("no_data", "3 checked, none firing (3 without enough data)", "pt_BR").startswith(
        "Ainda sem"
    )
