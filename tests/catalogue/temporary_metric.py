"""A pytest plugin (``-p tests.catalogue.temporary_metric``) that adds a metric the way a
new one is added: one catalogue entry plus its label in each language. Loaded before the app's
modules (the API schemas are built from the catalogue at import), in a pytest run of its own."""

from __future__ import annotations

from trafficdash.analytics.metrics import CATALOGUE, HUNDRED, Metric, Ratio
from trafficdash.i18n.messages import MESSAGES

KEY = "cvr"
LABELS = {"en": "Conversion rate", "pt_BR": "Taxa de conversão"}

CATALOGUE.register(Metric(KEY, "percent", "outcome", formula=Ratio("conversions", "clicks", HUNDRED)))
for locale, label in LABELS.items():
    MESSAGES[locale][f"kpi.{KEY}"] = label
