"""Deterministic pseudo-randomness from hashing: the same inputs give the same numbers forever."""

from __future__ import annotations

import hashlib

import numpy as np

MASK64 = (1 << 64) - 1


def h64(*parts: object) -> int:
    """A stable 64-bit hash of the parts (not Python's salted hash())."""
    data = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def unit(*parts: object) -> float:
    """A stable uniform number in [0, 1)."""
    return (h64(*parts) >> 11) / float(1 << 53)


def between(lo: float, hi: float, *parts: object) -> float:
    return lo + (hi - lo) * unit(*parts)


def pick(options: list, *parts: object):
    return options[h64(*parts) % len(options)]


def digits(n: int, *parts: object) -> str:
    """n stable decimal digits (first one non-zero)."""
    value = h64(*parts, "a") << 64 | h64(*parts, "b")
    text = str(value).rjust(n, "7")[-n:]
    return ("123456789"[int(text[0]) % 9]) + text[1:]


_C1 = np.uint64(0x9E3779B97F4A7C15)
_C2 = np.uint64(0xBF58476D1CE4E5B9)
_C3 = np.uint64(0x94D049BB133111EB)


def splitmix(x: np.ndarray) -> np.ndarray:
    """Vectorised splitmix64 finaliser on uint64 arrays (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + _C1
        z = (z ^ (z >> np.uint64(30))) * _C2
        z = (z ^ (z >> np.uint64(27))) * _C3
        return z ^ (z >> np.uint64(31))


def uniforms(key: int, days: np.ndarray, stream: int) -> np.ndarray:
    """Uniforms in [0, 1) for (key, day, stream): independent of which other days are asked for."""
    with np.errstate(over="ignore"):
        base = np.uint64(h64(key, stream))
        x = splitmix(days.astype(np.uint64) * _C3 + base)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)
