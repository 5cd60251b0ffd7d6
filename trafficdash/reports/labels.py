"""Report headers and texts in English and Brazilian Portuguese.

Metric names, levels and the "no data" message come from the app's own messages
(``trafficdash.i18n``), so the workbook says what the dashboard says; the few texts only a
report needs are kept here.
"""

from __future__ import annotations

from trafficdash.i18n import t
from trafficdash.i18n.locales import normalize_locale

REPORT_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "sheet.summary": "Summary",
        "sheet.daily": "Daily",
        "sheet.campaign": "Campaigns",
        "sheet.adset": "Ad sets",
        "sheet.ad": "Ads",
        "sheet.placement": "Placement",
        "sheet.device": "Device",
        "sheet.age_gender": "Age and gender",
        "sheet.country": "Country",
        "title": "Meta Ads report",
        "accounts": "Ad accounts",
        "currency": "Currency",
        "range": "Date range",
        "comparison": "Comparison range",
        "no_comparison": "No comparison",
        "generated_at": "Generated at (UTC)",
        "metric": "Metric",
        "value": "Value",
        "previous": "Comparison",
        "change": "Change",
        "change_pct": "Change %",
        "total": "Total",
        "date": "Date",
        "compare_date": "Comparison date",
        "compare_spend": "Comparison spend",
        "compare_conversions": "Comparison conversions",
        "id": "ID",
        "account": "Account ID",
        "campaign_id": "Campaign ID",
        "ad_set_id": "Ad set ID",
        "effective_status": "Delivery",
        "daily_budget": "Daily budget",
        "lifetime_budget": "Lifetime budget",
        "creative_title": "Headline",
        "creative_body": "Primary text",
        "previous_spend": "Comparison spend",
        "spend_change_pct": "Spend change %",
        "conversions_change_pct": "Conversions change %",
        "segment": "Segment",
        "value_1": "Value",
        "value_2": "Detail",
        "share_of_spend": "Share of spend",
        "reach_estimate": "Reach is an estimate (accounts or campaigns reached the same people).",
        "trend": "Daily trend",
        "ctr_pct": "CTR (%)",
        "share_pct": "Share of spend (%)",
        "dimension": "Breakdown",
    },
    "pt_BR": {
        "sheet.summary": "Resumo",
        "sheet.daily": "Diário",
        "sheet.campaign": "Campanhas",
        "sheet.adset": "Conjuntos de anúncios",
        "sheet.ad": "Anúncios",
        "sheet.placement": "Posicionamento",
        "sheet.device": "Dispositivo",
        "sheet.age_gender": "Idade e gênero",
        "sheet.country": "País",
        "title": "Relatório de anúncios Meta",
        "accounts": "Contas de anúncios",
        "currency": "Moeda",
        "range": "Período",
        "comparison": "Período de comparação",
        "no_comparison": "Sem comparação",
        "generated_at": "Gerado em (UTC)",
        "metric": "Métrica",
        "value": "Valor",
        "previous": "Comparação",
        "change": "Variação",
        "change_pct": "Variação %",
        "total": "Total",
        "date": "Data",
        "compare_date": "Data de comparação",
        "compare_spend": "Valor gasto (comparação)",
        "compare_conversions": "Conversões (comparação)",
        "id": "ID",
        "account": "ID da conta",
        "campaign_id": "ID da campanha",
        "ad_set_id": "ID do conjunto",
        "effective_status": "Veiculação",
        "daily_budget": "Orçamento diário",
        "lifetime_budget": "Orçamento total",
        "creative_title": "Título",
        "creative_body": "Texto principal",
        "previous_spend": "Valor gasto (comparação)",
        "spend_change_pct": "Variação do valor gasto %",
        "conversions_change_pct": "Variação de conversões %",
        "segment": "Segmento",
        "value_1": "Valor",
        "value_2": "Detalhe",
        "share_of_spend": "Participação no gasto",
        "reach_estimate": "O alcance é uma estimativa (contas ou campanhas alcançaram as mesmas pessoas).",
        "trend": "Tendência diária",
        "ctr_pct": "CTR (%)",
        "share_pct": "Participação no gasto (%)",
        "dimension": "Detalhamento",
    },
}

# Keys of the app's messages (trafficdash.i18n) reused for headers.
_APP_KEYS = {"name": "col.name", "status": "col.status", "objective": "col.objective"}


def text(key: str, locale: str) -> str:
    """A report text; metric keys (spend, ctr, ...) and levels use the dashboard's own names."""
    loc = normalize_locale(locale)
    own = REPORT_TEXT[loc].get(key)
    if own is not None:
        return own
    if key in _APP_KEYS:
        return t(_APP_KEYS[key], loc)
    if key.startswith("level."):
        return t(key, loc)
    return t(f"kpi.{key}", loc, default=key)


def no_data(locale: str, since: object, until: object) -> tuple[str, str]:
    """(title, body) of the dashboard's "no data in this range" message."""
    loc = normalize_locale(locale)
    return t("empty.no_data.title", loc), t("empty.no_data.body", loc, since=since, until=until)
