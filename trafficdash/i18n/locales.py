"""The supported locales and which one the current browser chose (kept in user storage)."""

from __future__ import annotations

LOCALES: dict[str, str] = {"en": "English", "pt_BR": "Português (Brasil)"}
DEFAULT_LOCALE = "en"
STORAGE_KEY = "locale"

_ALIASES = {"pt": "pt_BR", "pt-br": "pt_BR", "pt_br": "pt_BR", "en-us": "en", "en_us": "en", "en": "en"}


def normalize_locale(locale: str | None) -> str:
    """Accepts "pt-BR", "pt_BR", "pt", "en", None; unknown locales fall back to English."""
    if locale is None:
        return current_locale()
    if locale in LOCALES:
        return locale
    return _ALIASES.get(locale.strip().lower(), DEFAULT_LOCALE)


def current_locale() -> str:
    """The signed-in browser's choice; English outside a page request (API, jobs, tests)."""
    from nicegui import app

    try:
        value = app.storage.user.get(STORAGE_KEY)
    except (RuntimeError, AssertionError, KeyError):
        return DEFAULT_LOCALE
    return value if value in LOCALES else DEFAULT_LOCALE


def set_locale(locale: str) -> str:
    from nicegui import app

    value = normalize_locale(locale)
    app.storage.user[STORAGE_KEY] = value
    return value


def html_lang(locale: str) -> str:
    """BCP 47 tag for the browser (Intl.NumberFormat in chart tooltips)."""
    return "pt-BR" if locale == "pt_BR" else "en-US"
