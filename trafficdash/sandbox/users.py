"""Sandbox users, their tokens and ad accounts, and the app credentials: all derived from the seed."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from .hashing import digits, h64

FIRST = ["Ana", "Bruno", "Carla", "Diego", "Elena", "Felipe", "Gabriela", "Hugo", "Inês", "João"]
LAST = ["Silva", "Souza", "Costa", "Pereira", "Almeida", "Ferreira", "Ribeiro", "Martins", "Rocha", "Lopes"]

# (currency, time zone, name stem, country codes for the geo breakdown)
ACCOUNT_LOCALES = [
    ("BRL", "America/Sao_Paulo", "Loja Brasil", ["BR", "PT", "AR"]),
    ("USD", "America/New_York", "US Store", ["US", "CA", "GB"]),
    ("EUR", "Europe/Lisbon", "Loja Lisboa", ["PT", "ES", "FR", "DE"]),
    ("USD", "America/Los_Angeles", "West Coast", ["US", "MX", "CA"]),
    ("GBP", "Europe/London", "UK Shop", ["GB", "IE"]),
    ("MXN", "America/Mexico_City", "Tienda MX", ["MX", "US"]),
]

# The "world" demo user's accounts: currencies without minor units, half-hour and daylight-saving
# time zones, a disabled (2) and a closed (101) account. A separate user, so the first users'
# accounts (and every number tests know) stay as they were. (..., account_status)
WORLD_LOCALES = [
    ("JPY", "Asia/Tokyo", "Tokyo Shop", ["JP"], 1),
    ("INR", "Asia/Kolkata", "Mumbai Store", ["IN"], 1),
    ("EUR", "Europe/Berlin", "Berlin Laden", ["DE", "AT"], 1),
    ("KRW", "Asia/Seoul", "Seoul Shop", ["KR"], 1),
    ("IDR", "Asia/Jakarta", "Jakarta Toko", ["ID"], 1),
    ("HUF", "Europe/Budapest", "Budapest Bolt", ["HU"], 2),
    ("COP", "America/Bogota", "Tienda Bogota", ["CO"], 101),
]

LONG_LIVED_SECONDS = 60 * 24 * 3600
SHORT_LIVED_SECONDS = 2 * 3600


def sandbox_app_credentials(seed: int) -> tuple[str, str]:
    """(app_id, app_secret) the sandbox accepts for this seed."""
    app_id = digits(15, "app", seed)
    secret = hashlib.sha256(f"sandbox-app-secret:{seed}".encode()).hexdigest()[:32]
    return app_id, secret


def _token_key(seed: int) -> bytes:
    return hashlib.sha256(f"sandbox-token-key:{seed}".encode()).digest()


def make_token(seed: int, user_id: str, kind: str, expires_at: int) -> str:
    """Opaque-looking, self-verifying token: survives a sandbox restart with the same seed.

    kind: "L" long-lived, "S" short-lived; expires_at 0 = never.
    """
    payload = f"{user_id}.{kind}.{expires_at}"
    sig = hmac.new(_token_key(seed), payload.encode(), hashlib.sha256).digest()[:18]
    blob = base64.b32encode(payload.encode() + b"|" + sig).decode().rstrip("=")
    return "EAAS" + blob


def parse_token(seed: int, token: str) -> tuple[str, str, int] | None:
    """(user_id, kind, expires_at) for a valid token, else None."""
    if not token.startswith("EAAS"):
        return None
    blob = token[4:]
    try:
        raw = base64.b32decode(blob + "=" * (-len(blob) % 8))
        payload, sig = raw[: raw.index(b"|")], raw[raw.index(b"|") + 1 :]
        expected = hmac.new(_token_key(seed), payload, hashlib.sha256).digest()[:18]
        if not hmac.compare_digest(sig, expected):
            return None
        user_id, kind, expires = payload.decode().split(".")
        return user_id, kind, int(expires)
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class AccountSpec:
    index: int
    account_id: str  # digits, without act_
    name: str
    currency: str
    timezone: str
    countries: tuple[str, ...]
    status: int = 1  # account_status: 1 active, 2 disabled, 101 closed


def account_specs(
    seed: int, users: int = 3, accounts_per_user: int = 2, world_accounts: bool = False
) -> tuple[list[AccountSpec], list[list[int]]]:
    """Accounts and, per user, the indexes of their accounts. User 1 shares user 0's last account;
    with ``world_accounts`` one more user holds the WORLD_LOCALES accounts."""
    per_user: list[list[int]] = []
    next_index = 0
    for u in range(users):
        if u == 1 and accounts_per_user > 0:
            start = next_index - 1
            own = [start + k for k in range(accounts_per_user)]
        else:
            own = [next_index + k for k in range(accounts_per_user)]
        next_index = max(own) + 1 if own else next_index
        per_user.append(own)
    accounts = []
    for i in range(next_index):
        currency, tz, stem, countries = ACCOUNT_LOCALES[i % len(ACCOUNT_LOCALES)]
        suffix = "" if i < len(ACCOUNT_LOCALES) else f" {i // len(ACCOUNT_LOCALES) + 1}"
        accounts.append(
            AccountSpec(i, digits(15, "account", seed, i), f"{stem}{suffix}", currency, tz, tuple(countries))
        )
    if world_accounts:
        start = len(accounts)
        for k, (currency, tz, name, countries, status) in enumerate(WORLD_LOCALES):
            i = start + k
            accounts.append(
                AccountSpec(i, digits(15, "account", seed, i), name, currency, tz, tuple(countries), status)
            )
        per_user.append(list(range(start, len(accounts))))
    return accounts, per_user


def sandbox_users(
    seed: int = 42, users: int = 3, accounts_per_user: int = 2, world_accounts: bool = False
) -> list[dict]:
    """Each sandbox user: id, name, email, a ready long-lived access token and ad account ids."""
    accounts, per_user = account_specs(seed, users, accounts_per_user, world_accounts)
    out = []
    for u in range(len(per_user)):
        user_id = digits(15, "user", seed, u)
        first = FIRST[h64("first", seed, u) % len(FIRST)]
        last = LAST[h64("last", seed, u) % len(LAST)]
        out.append(
            {
                "id": user_id,
                "name": f"{first} {last}",
                "email": f"{first.lower().replace('ê', 'e')}.{last.lower()}.{u + 1}@sandbox.example",
                "access_token": make_token(seed, user_id, "L", 0),
                "ad_account_ids": [f"act_{accounts[i].account_id}" for i in per_user[u]],
            }
        )
    return out
