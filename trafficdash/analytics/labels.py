"""Human-readable labels for Meta's breakdown values ("instagram", "instagram_reels" -> "Instagram · Reels"),
in English (the API's, reports') or the page's language. Platform names are Meta's product names
in every language; positions, devices and genders come from the message catalogues (as Meta's
own interface names them), countries from CLDR."""

from __future__ import annotations

from trafficdash.i18n import babel_locale, t
from trafficdash.i18n.catalogue import lookup
from trafficdash.i18n.locales import normalize_locale

SEPARATOR = " · "

PLATFORMS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "audience_network": "Audience Network",
    "messenger": "Messenger",
    "threads": "Threads",
    "whatsapp": "WhatsApp",
}


def _humanise(code: str, unknown: str = "Unknown") -> str:
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else unknown


def breakdown_label(dimension: str, value_1: str, value_2: str = "", locale: str = "en") -> str:
    loc = normalize_locale(locale)
    unknown = t("breakdown.unknown", loc)
    if dimension == "placement":
        platform = PLATFORMS.get(value_1, _humanise(value_1, unknown))
        if not value_2:
            return platform
        position = lookup(f"breakdown.position.{value_2}", loc) or _humanise(value_2, unknown)
        return f"{platform}{SEPARATOR}{position}"
    if dimension == "device":
        return lookup(f"breakdown.device.{value_1}", loc) or _humanise(value_1, unknown)
    if dimension == "age_gender":
        gender = lookup(f"breakdown.gender.{value_2}", loc) or value_2
        return f"{value_1}{SEPARATOR}{gender}" if value_2 else value_1
    if dimension == "country":
        code = value_1.upper()
        return babel_locale(loc).territories.get(code, code or unknown)
    return SEPARATOR.join(v for v in (value_1, value_2) if v)
