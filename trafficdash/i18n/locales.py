"""The supported locales and which one the current browser chose (kept in user storage)."""

from __future__ import annotations

LOCALES: dict[str, str] = {
    "en": "English",
    "pt_BR": "Português (Brasil)",
    "es_419": "Español (Latinoamérica)",
}
DEFAULT_LOCALE = "en"
STORAGE_KEY = "locale"

# The locale each language reads best in: any Portuguese reads Brazilian Portuguese better than
# English, any Spanish the Latin American one.
_BY_LANGUAGE = {"en": "en", "pt": "pt_BR", "es": "es_419"}


def normalize_locale(locale: str | None) -> str:
    """Accepts "pt-BR", "pt_BR", "pt", "es-MX", "en", None; unknown locales fall back to English."""
    if locale is None:
        return current_locale()
    if locale in LOCALES:
        return locale
    return _BY_LANGUAGE.get(_language(locale), DEFAULT_LOCALE)


def _language(tag: str) -> str:
    return tag.strip().lower().replace("_", "-").split("-")[0]


def current_locale() -> str:
    """The browser's choice; English outside a page request (API, jobs, tests).

    Until the switch in the header sets one, a browser gets the first language of its
    Accept-Language that we have. Read-only: saving it would give every cookieless visitor
    (crawlers, uptime checks) a user storage entry that nothing removes.
    """
    from nicegui import app

    try:
        value = app.storage.user.get(STORAGE_KEY)
    except (RuntimeError, AssertionError, KeyError):
        return DEFAULT_LOCALE
    if value is None:
        value = _browser_locale()
    return value if value in LOCALES else DEFAULT_LOCALE


def _browser_locale() -> str | None:
    from nicegui.storage import request_contextvar

    request = request_contextvar.get()
    return preferred_locale(request.headers.get("accept-language", "")) if request is not None else None


def preferred_locale(accept_language: str) -> str | None:
    """The supported locale a browser ranks first ("pt-BR,pt;q=0.9,en;q=0.8" -> "pt_BR"), if any."""
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                continue
        ranked.append((-weight, position, tag.strip().lower()))
    for weight, _, tag in sorted(ranked):
        if weight == 0:  # q=0: "not this one"
            break
        if _language(tag) in _BY_LANGUAGE:
            return _BY_LANGUAGE[_language(tag)]
    return None


def set_locale(locale: str) -> str:
    from nicegui import app

    value = normalize_locale(locale)
    app.storage.user[STORAGE_KEY] = value
    return value


def html_lang(locale: str) -> str:
    """BCP 47 tag for the browser (Intl.NumberFormat in chart tooltips)."""
    return "en-US" if locale == DEFAULT_LOCALE else locale.replace("_", "-")
