"""Marketing API versions and their lifetimes: a call on an expired or unknown version gets error 2635.

Dates from Meta's "Marketing API version history" table (release, expiration); older versions
expired before these and count as unknown. A version with no expiration date yet ("TBD") stays
live. The sandbox's "today" decides expiry, so a pinned test day sees the same window every run;
release dates only order the versions (a day pinned in the past for its data still answers the
versions clients speak now).
"""

from __future__ import annotations

from datetime import date

from .errors import GraphError

# version -> (released, expires or None while Meta says TBD)
VERSIONS: dict[str, tuple[date, date | None]] = {
    "v22.0": (date(2025, 1, 21), date(2026, 2, 19)),
    "v23.0": (date(2025, 5, 29), date(2026, 6, 9)),
    "v24.0": (date(2025, 10, 8), date(2026, 11, 10)),
    "v25.0": (date(2026, 2, 18), date(2027, 2, 23)),
    "v26.0": (date(2026, 7, 29), None),
    "v27.0": (date(2026, 11, 4), None),
}
# The version the facebook-business SDK of this release speaks (its ads_api_config API_VERSION);
# the sandbox answers unversioned paths with it. tests/sandbox checks the two stay equal.
DEFAULT_VERSION = "v26.0"


def live_versions(today: date) -> list[str]:
    """Versions not expired on `today`, oldest first."""
    return [v for v, (_released, expires) in VERSIONS.items() if expires is None or today < expires]


def latest_version(today: date) -> str:
    return live_versions(today)[-1]


def deprecated_version(today: date) -> GraphError:
    # Source: recorded responses, e.g. facebook/facebook-nodejs-business-sdk issue #239
    # (https://github.com/facebook/facebook-nodejs-business-sdk/issues/239) and
    # fbsamples/marketing-api-samples issue #3: "(#2635) You are calling a deprecated version of the
    # Ads API. Please update to the latest version: vNN.0." (code 2635, type OAuthException).
    return GraphError(
        2635,
        "(#2635) You are calling a deprecated version of the Ads API. "
        f"Please update to the latest version: {latest_version(today)}.",
    )


def check_version(version: str, today: date) -> None:
    """Raise Meta's deprecation error unless `version` is live on `today`."""
    if version not in live_versions(today):
        raise deprecated_version(today)
