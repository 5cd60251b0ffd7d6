"""Facebook Login for Business: configurations (a ``config_id`` fixing the permissions and the kind of
assets asked for) and the granular scopes a login grants.

A configuration's permissions are all or nothing: the user may not untick one (Meta grants none if
any is refused), but picks which ad accounts the app may reach. ``debug_token`` then reports each
permission in ``granular_scopes`` with the granted assets' ids (ad account ids without ``act_``,
business ids for ``business_management``).

Sources: Meta: Facebook Login › Facebook Login for Business
(https://developers.facebook.com/docs/facebook-login/facebook-login-for-business/): configurations fix
token type, assets and permissions; "All permissions that your app asks for during login must be granted
... or your app won't be granted any permissions". Meta: Graph API › Reference › Debug-Token
(https://developers.facebook.com/docs/graph-api/reference/debug_token). UNVERIFIED: the exact
``granular_scopes`` entry shape ({"scope", "target_ids"}) was not confirmed in the excerpts found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .hashing import digits


@dataclass(frozen=True)
class LoginConfiguration:
    config_id: str
    name: str
    permissions: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"config_id": self.config_id, "name": self.name, "permissions": list(self.permissions)}


def login_configurations(seed: int) -> list[LoginConfiguration]:
    """The configurations the sandbox app has (ids stable for a seed)."""
    return [
        LoginConfiguration(
            digits(16, "login-config", seed, "reporting"),
            "Ads reporting",
            ("ads_read", "business_management"),
        ),
        LoginConfiguration(digits(16, "login-config", seed, "read"), "Ads read only", ("ads_read",)),
    ]


# Permissions whose grant is scoped to ad accounts, and the one scoped to businesses.
AD_ACCOUNT_SCOPES = ("ads_read", "ads_management")
BUSINESS_SCOPES = ("business_management",)


def granular_scopes(
    scopes: list[str], account_ids: list[str] | None, business_ids: list[str] | None
) -> list[dict[str, Any]]:
    """Meta's ``granular_scopes``: target ids where the login granted specific assets (None = all)."""
    out: list[dict[str, Any]] = []
    for scope in scopes:
        entry: dict[str, Any] = {"scope": scope}
        if scope in AD_ACCOUNT_SCOPES and account_ids is not None:
            entry["target_ids"] = list(account_ids)
        elif scope in BUSINESS_SCOPES and business_ids is not None:
            entry["target_ids"] = list(business_ids)
        out.append(entry)
    return out
