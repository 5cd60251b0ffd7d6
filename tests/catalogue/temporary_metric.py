"""A pytest plugin (``-p tests.catalogue.temporary_metric``) that adds a metric the way a
new one is added: one catalogue entry plus its label in each language's message catalogue.
Loaded before the app's modules (the API schemas are built from the catalogue at import), in a
pytest run of its own."""

from __future__ import annotations

import io

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from trafficdash.analytics.metrics import CATALOGUE, HUNDRED, Metric, Ratio
from trafficdash.i18n.catalogue import DOMAIN, translations

KEY = "cvr"
LABELS = {"en": "Conversion rate", "pt_BR": "Taxa de conversão", "es_419": "Tasa de conversión"}

CATALOGUE.register(Metric(KEY, "percent", "outcome", formula=Ratio("conversions", "clicks", HUNDRED)))
for locale, label in LABELS.items():
    entry = Catalog(locale=locale, domain=DOMAIN)
    entry.add(f"kpi.{KEY}", label)
    compiled = io.BytesIO()
    write_mo(compiled, entry)
    compiled.seek(0)
    translations(locale).merge(Translations(compiled, domain=DOMAIN))
