"""The header's language switch: stored in user storage, applied by reloading the page."""

from __future__ import annotations

from nicegui import ui

from trafficdash.i18n import LOCALES, current_locale, set_locale, t

SHORT = {code: code.split("_")[0].upper() for code in LOCALES}  # EN, PT, ES


def locale_switch() -> ui.toggle:
    locale = current_locale()

    def changed(value: str) -> None:
        if value == current_locale():
            return
        set_locale(value)
        ui.notify(t("toast.locale", value, name=LOCALES[value]), position="top", timeout=1500)
        ui.navigate.reload()

    return (
        ui.toggle(SHORT, value=locale, on_change=lambda e: changed(e.value))
        .props(
            "dense no-caps unelevated rounded toggle-color=primary color=grey-9 text-color=grey-4 "
            "padding='2px 10px'"
        )
        .style("font-size: .75rem; font-weight: 600")
        .tooltip(t("locale.switch", locale))
        .mark("locale-switch")
    )
