"""Human-readable labels for Meta's breakdown values ("instagram", "instagram_reels" -> "Instagram · Reels")."""

from __future__ import annotations

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


def _humanise(code: str) -> str:
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Unknown"


def breakdown_label(dimension: str, value_1: str, value_2: str = "") -> str:
    if dimension == "placement":
        platform = PLATFORMS.get(value_1, _humanise(value_1))
        if not value_2:
            return platform
        return f"{platform}{SEPARATOR}{POSITIONS.get(value_2, _humanise(value_2))}"
    if dimension == "device":
        return DEVICES.get(value_1, _humanise(value_1))
    if dimension == "age_gender":
        gender = GENDERS.get(value_2, value_2)
        return f"{value_1}{SEPARATOR}{gender}" if value_2 else value_1
    if dimension == "country":
        return COUNTRIES.get(value_1.upper(), value_1.upper() or "Unknown")
    return SEPARATOR.join(v for v in (value_1, value_2) if v)
