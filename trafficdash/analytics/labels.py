"""Human-readable labels for Meta's breakdown values ("instagram", "instagram_reels" -> "Instagram · Reels"),
in English (the API's, reports') or Brazilian Portuguese (the pages in pt-BR). Platform and most
placement names are Meta's product names and stay as Meta's own Portuguese interface shows them."""

from __future__ import annotations

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

POSITIONS = {
    "feed": "Feed",
    "facebook_reels": "Reels",
    "facebook_reels_overlay": "Reels overlay",
    "facebook_stories": "Stories",
    "instagram_stories": "Stories",
    "instagram_reels": "Reels",
    "instagram_explore": "Explore",
    "instagram_explore_grid_home": "Explore home",
    "instagram_profile_feed": "Profile feed",
    "instagram_search": "Search results",
    "marketplace": "Marketplace",
    "video_feeds": "Video feeds",
    "right_hand_column": "Right column",
    "search": "Search results",
    "instream_video": "In-stream video",
    "an_classic": "Native, banner & interstitial",
    "rewarded_video": "Rewarded video",
    "messenger_inbox": "Inbox",
    "messenger_stories": "Stories",
    "story": "Stories",
    "reels": "Reels",
}

DEVICES = {
    "mobile_app": "Mobile app",
    "mobile_web": "Mobile web",
    "desktop": "Desktop",
    "unknown": "Unknown",
}

GENDERS = {"female": "female", "male": "male", "unknown": "unknown gender"}

# ISO 3166-1 alpha-2 names for the countries ads are most often delivered in; any other code
# is shown as the code itself (still unambiguous).
COUNTRIES = {
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BO": "Bolivia",
    "BR": "Brazil",
    "CA": "Canada",
    "CH": "Switzerland",
    "CL": "Chile",
    "CN": "China",
    "CO": "Colombia",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EC": "Ecuador",
    "EG": "Egypt",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GR": "Greece",
    "HK": "Hong Kong",
    "ID": "Indonesia",
    "IE": "Ireland",
    "IL": "Israel",
    "IN": "India",
    "IT": "Italy",
    "JP": "Japan",
    "KR": "South Korea",
    "MA": "Morocco",
    "MX": "Mexico",
    "MY": "Malaysia",
    "NG": "Nigeria",
    "NL": "Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PE": "Peru",
    "PH": "Philippines",
    "PL": "Poland",
    "PT": "Portugal",
    "PY": "Paraguay",
    "RO": "Romania",
    "SA": "Saudi Arabia",
    "SE": "Sweden",
    "SG": "Singapore",
    "TH": "Thailand",
    "TR": "Türkiye",
    "TW": "Taiwan",
    "UA": "Ukraine",
    "AE": "United Arab Emirates",
    "US": "United States",
    "UY": "Uruguay",
    "VE": "Venezuela",
    "VN": "Vietnam",
    "ZA": "South Africa",
}


PT_BR = {
    "positions": {
        "facebook_reels_overlay": "Sobreposição do Reels",
        "instagram_explore": "Explorar",
        "instagram_explore_grid_home": "Página inicial do Explorar",
        "instagram_profile_feed": "Feed do perfil",
        "instagram_search": "Resultados da pesquisa",
        "video_feeds": "Feeds de vídeo",
        "right_hand_column": "Coluna da direita",
        "search": "Resultados da pesquisa",
        "instream_video": "Vídeos in-stream",
        "an_classic": "Nativo, banner e intersticial",
        "rewarded_video": "Vídeo com incentivo",
        "messenger_inbox": "Caixa de entrada",
    },
    "devices": {
        "mobile_app": "App para celular",
        "mobile_web": "Web para celular",
        "desktop": "Computador",
        "unknown": "Desconhecido",
    },
    "genders": {"female": "feminino", "male": "masculino", "unknown": "gênero desconhecido"},
    "countries": {
        "AT": "Áustria",
        "AU": "Austrália",
        "BE": "Bélgica",
        "BO": "Bolívia",
        "BR": "Brasil",
        "CA": "Canadá",
        "CH": "Suíça",
        "CL": "Chile",
        "CO": "Colômbia",
        "CZ": "Tchéquia",
        "DE": "Alemanha",
        "DK": "Dinamarca",
        "EC": "Equador",
        "EG": "Egito",
        "ES": "Espanha",
        "FI": "Finlândia",
        "FR": "França",
        "GB": "Reino Unido",
        "GR": "Grécia",
        "ID": "Indonésia",
        "IE": "Irlanda",
        "IN": "Índia",
        "IT": "Itália",
        "JP": "Japão",
        "KR": "Coreia do Sul",
        "MA": "Marrocos",
        "MX": "México",
        "MY": "Malásia",
        "NL": "Países Baixos",
        "NO": "Noruega",
        "NZ": "Nova Zelândia",
        "NG": "Nigéria",
        "PH": "Filipinas",
        "PL": "Polônia",
        "PY": "Paraguai",
        "RO": "Romênia",
        "SA": "Arábia Saudita",
        "SE": "Suécia",
        "SG": "Singapura",
        "TH": "Tailândia",
        "TR": "Turquia",
        "TW": "Taiwan",
        "UA": "Ucrânia",
        "AE": "Emirados Árabes Unidos",
        "US": "Estados Unidos",
        "UY": "Uruguai",
        "VN": "Vietnã",
        "ZA": "África do Sul",
    },
    "unknown": "Desconhecido",
}


def _humanise(code: str, unknown: str = "Unknown") -> str:
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else unknown


def breakdown_label(dimension: str, value_1: str, value_2: str = "", locale: str = "en") -> str:
    pt: dict = PT_BR if normalize_locale(locale) == "pt_BR" else {}
    unknown = pt.get("unknown", "Unknown")
    if dimension == "placement":
        platform = PLATFORMS.get(value_1, _humanise(value_1, unknown))
        if not value_2:
            return platform
        position = pt.get("positions", {}).get(value_2) or POSITIONS.get(value_2, _humanise(value_2, unknown))
        return f"{platform}{SEPARATOR}{position}"
    if dimension == "device":
        return pt.get("devices", {}).get(value_1) or DEVICES.get(value_1, _humanise(value_1, unknown))
    if dimension == "age_gender":
        gender = pt.get("genders", {}).get(value_2) or GENDERS.get(value_2, value_2)
        return f"{value_1}{SEPARATOR}{gender}" if value_2 else value_1
    if dimension == "country":
        code = value_1.upper()
        return pt.get("countries", {}).get(code) or COUNTRIES.get(code, code or unknown)
    return SEPARATOR.join(v for v in (value_1, value_2) if v)
