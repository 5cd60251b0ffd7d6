"""The gettext catalogues (``catalogues/<locale>/LC_MESSAGES/trafficdash.po``, compiled to
``.mo``): every text the pages, alerts and reports show, per locale, keyed by a dotted id.

The English catalogue is the source; translators work on the ``.po`` files, and
``pybabel compile -d trafficdash/i18n/catalogues -D trafficdash`` writes the ``.mo`` files the
app reads (tests/ui/test_i18n.py fails when one is stale, a key used in the code is missing, or
an entry is left untranslated).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import Translations

CATALOGUES = Path(__file__).parent / "catalogues"
DOMAIN = "trafficdash"


@lru_cache(maxsize=8)
def translations(locale: str) -> Translations:
    mo = CATALOGUES / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with mo.open("rb") as handle:
        return Translations(handle, domain=DOMAIN)


def lookup(key: str, locale: str) -> str | None:
    """The catalogue's text for ``key``, or ``None`` when this locale's catalogue lacks it."""
    text = translations(locale).gettext(key)
    return None if text == key else text
