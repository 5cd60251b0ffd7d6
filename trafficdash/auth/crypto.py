"""Meta access tokens at rest: Fernet, keyed from the app's secret, rotatable.

The newest secret encrypts; every previous secret still decrypts (MultiFernet), so an
operator rotates by moving the old key to ``TRAFFICDASH_PREVIOUS_SECRET_KEYS`` and the
tokens are re-encrypted with ``rotate_token``.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from trafficdash.settings import Settings, get_settings

_KEY_CONTEXT = b"trafficdash/meta-token-encryption/v1"


class TokenDecryptionError(RuntimeError):
    """The ciphertext was made with a key this installation no longer has."""


def _fernet_for(secret: str) -> Fernet:
    # Derive a dedicated key so the session-signing secret is never used directly as a cipher key.
    digest = hashlib.sha256(_KEY_CONTEXT + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _cipher(settings: Settings | None = None) -> MultiFernet:
    settings = settings or get_settings()
    keys = [settings.resolved_secret_key()] + [k.get_secret_value() for k in settings.previous_secret_keys]
    return MultiFernet([_fernet_for(k) for k in keys])


def encrypt_token(plain: str, settings: Settings | None = None) -> str:
    return _cipher(settings).encrypt(plain.encode()).decode()


def decrypt_token(ciphertext: str, settings: Settings | None = None) -> str:
    try:
        return _cipher(settings).decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise TokenDecryptionError(
            "A stored Meta token cannot be decrypted with the configured secret keys; "
            "the user must reconnect Facebook."
        ) from exc


def rotate_token(ciphertext: str, settings: Settings | None = None) -> str:
    """Re-encrypt with the newest key (no-op in meaning, new ciphertext)."""
    return _cipher(settings).rotate(ciphertext.encode()).decode()
