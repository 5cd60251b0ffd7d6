"""A user's Meta connection: check a token, keep it encrypted, list the ad accounts it can read.

Both the OAuth callback and ``trafficdash connect`` call ``register_connection``. Every Graph
call is retried by the sync's rules (``Throttle``) when Meta answers with a transient error or a
throttle: a login code is single-use, so a hiccup must not send the user back to the start. The
plain token lives only in local variables: it is never logged, never put in an exception message
and never rendered (``ConnectionFailed`` messages are written for people, without secrets).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

import httpx
from facebook_business.adobjects.user import User as FbUser
from facebook_business.exceptions import FacebookRequestError
from requests import RequestException
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trafficdash import currencies
from trafficdash.auth.crypto import TokenDecryptionError, decrypt_token, encrypt_token
from trafficdash.db import utcnow
from trafficdash.meta.client import app_credentials, make_api
from trafficdash.meta.errors import ErrorKind, MetaError, classify
from trafficdash.meta.throttle import INTERACTIVE_RETRY, Throttle
from trafficdash.models import AdAccount, AdAccountAccess, ConnectionStatus, User
from trafficdash.redaction import install_log_redaction, redact
from trafficdash.settings import Settings, get_settings

log = logging.getLogger(__name__)
install_log_redaction()
T = TypeVar("T")

# What the login asks for. ads_read reads ad accounts, their objects and insights; read_insights is
# required as well (the product reads insights; one consent must cover every screen). business_management
# is asked for but optional: it only adds accounts owned through a Business Manager, so a user with
# personal ad accounts can decline it and still use everything they own.
REQUESTED_SCOPES: tuple[str, ...] = ("ads_read", "business_management", "read_insights")
REQUIRED_SCOPES: frozenset[str] = frozenset({"ads_read", "read_insights"})
EXPIRY_WARNING = timedelta(days=7)
ACCOUNT_FIELDS = [
    "id",
    "account_id",
    "name",
    "currency",
    "timezone_name",
    "account_status",
    "amount_spent",
    "attribution_spec",
]
HTTP_TIMEOUT_SECONDS = 30


class FailureReason(StrEnum):
    EXPIRED = "expired"
    REVOKED = "revoked"
    INVALID = "invalid"
    MISSING_SCOPES = "missing_scopes"
    WRONG_APP = "wrong_app"
    UNREACHABLE = "unreachable"
    CONFLICT = "conflict"


class ConnectionFailed(Exception):
    """The token cannot become a connection. ``str()`` is safe to show: it never holds a secret."""

    def __init__(self, reason: FailureReason, message: str) -> None:
        super().__init__(redact(message))
        self.reason = reason


@dataclass(frozen=True)
class TokenInfo:
    meta_user_id: str
    app_id: str
    scopes: list[str]
    expires_at: datetime | None  # None: Meta says it does not expire
    is_valid: bool
    error_subcode: int | None = None


@dataclass
class ConnectionResult:
    user_id: int
    accounts: list[dict[str, Any]] = field(default_factory=list)


# ---- Graph token endpoints (plain HTTP: they are OAuth endpoints, not Marketing API objects) ----
def _graph_get(path: str, params: dict[str, str], settings: Settings) -> dict[str, Any]:
    url = f"{settings.graph_url}/{settings.meta_api_version}/{path}"

    def attempt() -> dict[str, Any]:
        try:
            response = httpx.get(url, params=params, timeout=HTTP_TIMEOUT_SECONDS)
            body = response.json()
        except (httpx.HTTPError, ValueError):
            # The exception would carry the URL and its tokens: say what happened, drop the details.
            raise MetaError(ErrorKind.TRANSIENT, "Meta could not be reached") from None
        if isinstance(body, dict) and "error" in body:
            # The SDK's own error type, so that one ``classify`` decides what is worth retrying.
            error = FacebookRequestError(
                "Graph error", {"path": path}, response.status_code, response.headers, body
            )
            if classify(error).retryable:
                raise error
            raise _failure_from_error(body["error"]) from None
        if not isinstance(body, dict):
            raise ConnectionFailed(FailureReason.UNREACHABLE, "Meta sent an unexpected answer; try again.")
        return body

    return _meta_call(attempt, f"Graph {path}")


def _failure_from_error(error: dict[str, Any]) -> ConnectionFailed:
    code, subcode = error.get("code"), error.get("error_subcode") or error.get("subcode")
    if code == 190 and subcode == 463:
        return ConnectionFailed(FailureReason.EXPIRED, "The Facebook login has expired. Log in again.")
    if code == 190 and subcode in (458, 460):
        return ConnectionFailed(
            FailureReason.REVOKED, "Facebook no longer accepts this login (access was removed). Log in again."
        )
    if code in (190, 102):
        return ConnectionFailed(FailureReason.INVALID, "Facebook rejected the access token. Log in again.")
    return ConnectionFailed(
        FailureReason.INVALID, f"Facebook refused the request: {str(error.get('message', ''))[:200]}"
    )


def exchange_for_long_lived(short_token: str, settings: Settings | None = None) -> str:
    """Trade a short-lived user token (about 2 hours) for a long-lived one (about 60 days)."""
    settings = settings or get_settings()
    creds = app_credentials(settings)
    if not creds.app_secret:
        raise ConnectionFailed(
            FailureReason.WRONG_APP, "TRAFFICDASH_META_APP_SECRET is needed to exchange tokens."
        )
    body = _graph_get(
        "oauth/access_token",
        {
            "grant_type": "fb_exchange_token",
            "client_id": creds.app_id,
            "client_secret": creds.app_secret,
            "fb_exchange_token": short_token,
        },
        settings,
    )
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise ConnectionFailed(FailureReason.INVALID, "Facebook did not return a long-lived token.")
    return token


def inspect_token(token: str, settings: Settings | None = None) -> TokenInfo:
    """``debug_token``: whose token, for which app, with which scopes, until when."""
    settings = settings or get_settings()
    creds = app_credentials(settings)
    # The app token is the documented caller; without the secret the token inspects itself.
    caller = f"{creds.app_id}|{creds.app_secret}" if creds.app_secret else token
    data = (
        _graph_get("debug_token", {"input_token": token, "access_token": caller}, settings).get("data") or {}
    )
    error = data.get("error") or {}
    expires = int(data.get("expires_at") or 0)
    return TokenInfo(
        meta_user_id=str(data.get("user_id") or ""),
        app_id=str(data.get("app_id") or ""),
        scopes=[str(s) for s in data.get("scopes") or []],
        expires_at=datetime.fromtimestamp(expires, UTC) if expires else None,
        is_valid=bool(data.get("is_valid")),
        error_subcode=error.get("subcode") or error.get("error_subcode"),
    )


def check_token(info: TokenInfo, settings: Settings | None = None) -> None:
    """Refuse tokens of another app, invalid or expired tokens and tokens without the scopes we need."""
    settings = settings or get_settings()
    if not info.is_valid:
        raise _failure_from_error({"code": 190, "error_subcode": info.error_subcode})
    if info.app_id != app_credentials(settings).app_id:
        raise ConnectionFailed(FailureReason.WRONG_APP, "This access token belongs to a different Meta app.")
    if info.expires_at is not None and info.expires_at <= utcnow():
        raise ConnectionFailed(FailureReason.EXPIRED, "The Facebook login has expired. Log in again.")
    missing = sorted(REQUIRED_SCOPES - set(info.scopes))
    if missing:
        raise ConnectionFailed(
            FailureReason.MISSING_SCOPES,
            f"Facebook did not grant the permission(s) trafficdash needs: {', '.join(missing)}. "
            "Log in again and allow them.",
        )


# ---- Marketing API (through the SDK, one API object per token) ------------------------------------
def _meta_call(fn: Callable[[], T], what: str) -> T:
    """``fn`` with the sync's retries of transient and throttled answers; failures as ConnectionFailed."""
    try:
        return Throttle(INTERACTIVE_RETRY).call(fn, what)
    except (FacebookRequestError, RequestException, MetaError) as exc:
        error = classify(exc)
        if error.kind == ErrorKind.TOKEN:
            reason = FailureReason.EXPIRED if error.subcode == 463 else FailureReason.REVOKED
            raise ConnectionFailed(reason, "Facebook no longer accepts this login. Log in again.") from None
        raise ConnectionFailed(FailureReason.UNREACHABLE, f"Meta answered: {error.describe()}") from None


def fetch_profile_and_accounts(token: str, settings: Settings | None = None) -> tuple[dict, list[dict]]:
    api = make_api(token, settings)
    me = FbUser(fbid="me", api=api)
    profile = _meta_call(lambda: dict(me.api_get(fields=["id", "name", "email"])), "the Facebook profile")
    # The listing is read again from its first page when a page fails (a cursor cannot resume).
    accounts = _meta_call(
        lambda: [dict(row) for row in me.get_ad_accounts(fields=ACCOUNT_FIELDS, params={"limit": 100})],
        "the ad accounts",
    )
    return profile, accounts


def _attribution_setting(spec: Any) -> str | None:
    if not isinstance(spec, list) or not spec:
        return None
    parts = []
    for entry in spec:
        if isinstance(entry, dict) and entry.get("window_days"):
            kind = "click" if "CLICK" in str(entry.get("event_type", "")) else "view"
            parts.append(f"{entry['window_days']}d_{kind}")
    return "_".join(parts)[:64] or None


def _amount(raw: Any, currency: str) -> Decimal:
    try:
        return currencies.from_minor_units(raw or 0, currency) or Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def _upsert_accounts(session: Session, user: User, accounts: list[dict[str, Any]]) -> list[AdAccount]:
    rows = []
    for raw in accounts:
        account_id = int(str(raw.get("account_id") or raw["id"]).removeprefix("act_"))
        account = session.get(AdAccount, account_id) or AdAccount(id=account_id)
        currency = str(raw.get("currency") or account.currency or "USD")[:3]
        account.name = str(raw.get("name") or account.name or "")[:300]
        account.currency = currency
        account.timezone_name = str(raw.get("timezone_name") or account.timezone_name or "UTC")[:64]
        account.account_status = int(raw.get("account_status") or 1)
        account.amount_spent = _amount(raw.get("amount_spent"), currency)
        account.attribution_setting = (
            _attribution_setting(raw.get("attribution_spec")) or account.attribution_setting
        )
        session.add(account)
        rows.append(account)
    session.flush()
    seen = {a.id for a in rows}
    existing = set(
        session.scalars(select(AdAccountAccess.ad_account_id).where(AdAccountAccess.user_id == user.id))
    )
    for account_id in seen - existing:
        session.add(AdAccountAccess(user_id=user.id, ad_account_id=account_id))
    if existing - seen:
        # Meta no longer lets this login read them: the user must stop seeing them here too.
        session.execute(
            delete(AdAccountAccess).where(
                AdAccountAccess.user_id == user.id, AdAccountAccess.ad_account_id.in_(existing - seen)
            )
        )
    session.flush()
    return rows


def _find_or_create_user(session: Session, meta_user_id: str, email: str | None, name: str) -> User:
    by_meta = session.scalar(select(User).where(User.meta_user_id == meta_user_id))
    by_email = session.scalar(select(User).where(User.email == email)) if email else None
    if by_meta is not None and by_email is not None and by_meta.id != by_email.id:
        raise ConnectionFailed(
            FailureReason.CONFLICT, f"This Facebook login is already connected to another user than {email}."
        )
    user = by_meta or by_email
    if user is None:
        user = User(email=email or f"facebook-{meta_user_id}@users.trafficdash.invalid", name=name)
        session.add(user)
    if by_email is not None and by_email.meta_user_id not in (None, meta_user_id):
        raise ConnectionFailed(
            FailureReason.CONFLICT, f"{email} is already connected with a different Facebook login."
        )
    user.meta_user_id = meta_user_id
    if name and not user.name:
        user.name = name
    session.flush()
    return user


def register_connection(
    session: Session, access_token: str, email: str | None = None, *, exchange: bool = False
) -> User:
    """Check the token with Meta, store it encrypted on the user, and refresh their ad accounts.

    ``exchange=True`` first trades a short-lived token for a long-lived one (the OAuth callback).
    The user is found by Facebook id, else by ``email``, else created. Raises ConnectionFailed.
    """
    settings = get_settings()
    access_token = access_token.strip()
    if not access_token:
        raise ConnectionFailed(FailureReason.INVALID, "The access token is empty.")
    if exchange:
        access_token = exchange_for_long_lived(access_token, settings)
    info = inspect_token(access_token, settings)
    check_token(info, settings)
    profile, accounts = fetch_profile_and_accounts(access_token, settings)
    meta_user_id = str(profile.get("id") or info.meta_user_id)
    wanted_email = (email or profile.get("email") or "").strip().lower() or None
    user = _find_or_create_user(session, meta_user_id, wanted_email, str(profile.get("name") or ""))
    if email and wanted_email and user.email != wanted_email:
        # An explicit address names this login's trafficdash user (no other user has it: checked
        # above), so a known Facebook login takes it rather than silently keeping the old one.
        log.info("user %s: email changed by an explicit connect", user.id)
        user.email = wanted_email
        session.flush()
    user.meta_token_encrypted = encrypt_token(access_token, settings)
    user.meta_token_expires_at = info.expires_at
    user.meta_token_scopes = sorted(info.scopes)
    user.connection_status = ConnectionStatus.CONNECTED.value
    user.connection_error = None
    user.last_login_at = utcnow()
    _upsert_accounts(session, user, accounts)
    log.info("Meta connection registered for user %s (%d ad accounts)", user.id, len(accounts))
    return user


def mark_needs_reconnect(session: Session, user_id: int, reason: str) -> None:
    """Meta answered 190 (expired, revoked, password changed): every view shows "reconnect"."""
    user = session.get(User, user_id)
    if user is None:
        return
    user.connection_status = ConnectionStatus.NEEDS_RECONNECT.value
    user.connection_error = redact(reason)[:500]
    session.flush()
    log.warning("Meta connection of user %s needs a reconnect: %s", user_id, user.connection_error)


def meta_token(user: User) -> str | None:
    """The plain token for a Graph call, or None when the user must reconnect first."""
    if user.connection_status != ConnectionStatus.CONNECTED.value or not user.meta_token_encrypted:
        return None
    try:
        return decrypt_token(user.meta_token_encrypted)
    except TokenDecryptionError:
        return None


@dataclass(frozen=True)
class ConnectionState:
    status: str  # ConnectionStatus value, or "expiring"
    message: str  # English (the API's); pages say it in the reader's language from ``reason``
    expires_at: datetime | None = None
    # Why: "connected", "not_connected", "revoked", "expired" or "expiring" (with ``days_left``).
    reason: str = "connected"
    days_left: int | None = None

    @property
    def needs_action(self) -> bool:
        return self.status in (ConnectionStatus.NEEDS_RECONNECT.value, "expiring")


def connection_state(user: User, now: datetime | None = None) -> ConnectionState:
    """What the banner, the settings page and /api/me say about the connection."""
    now = now or utcnow()
    expires = user.meta_token_expires_at
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)  # SQLite gives naive UTC
    if user.connection_status == ConnectionStatus.NEEDS_RECONNECT.value:
        return ConnectionState(
            user.connection_status,
            "Facebook no longer accepts your login, so syncs are paused. Reconnect Facebook to resume.",
            expires,
            reason="revoked",
        )
    if user.connection_status != ConnectionStatus.CONNECTED.value:
        return ConnectionState(
            ConnectionStatus.NOT_CONNECTED.value, "Facebook is not connected yet.", reason="not_connected"
        )
    if expires is not None and expires <= now:
        return ConnectionState(
            ConnectionStatus.NEEDS_RECONNECT.value,
            "Your Facebook login has expired, so syncs are paused. Reconnect Facebook to resume.",
            expires,
            reason="expired",
        )
    if expires is not None and expires - now <= EXPIRY_WARNING:
        days = max(0, (expires - now).days)
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        return ConnectionState(
            "expiring",
            f"Your Facebook login expires {when}. Reconnect Facebook to keep syncing.",
            expires,
            reason="expiring",
            days_left=days,
        )
    return ConnectionState(ConnectionStatus.CONNECTED.value, "Facebook is connected.", expires)
