"""Time-ordered UUIDv7 ids (RFC 9562), made on the client so writes are idempotent by id.

Python 3.11 has no ``uuid.uuid7``. Ids made in the same millisecond by this process stay
strictly increasing: the 12-bit ``rand_a`` field is a counter seeded at random each
millisecond, and when it overflows the timestamp is borrowed from the next millisecond.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
import uuid
from datetime import UTC, datetime

__all__ = ["UUID7_PATTERN", "is_uuid7", "new_id", "pair_id", "uuid7_time"]

UUID7_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

_lock = threading.Lock()
_last_ms = 0
_counter = 0
#: "tttttttt-tttt-7" for ``_last_ms``: the part of an id that changes once a millisecond.
_prefix = ""

#: Random bits come from the OS 256 ids at a time, with the RFC 9562 variant (0b10) set in
#: every 16-digit tail by one big-integer mask, and each tail formatted as its last two
#: groups ("-vxxx-xxxxxxxxxxxx") in one pass: an id is then three strings joined. A forked
#: child starts with no tails.
_TAILS = 256
_tails: list[str] = []
_KEEP = int.from_bytes(bytes.fromhex("3fffffffffffffff") * _TAILS)
_VARIANT = int.from_bytes(bytes.fromhex("8000000000000000") * _TAILS)
#: The counter as the rest of the version group, "000" to "fff".
_COUNTER_HEX = [f"{i:03x}" for i in range(0x1000)]


def _fresh_tails() -> list[str]:
    digits = (int.from_bytes(os.urandom(8 * _TAILS)) & _KEEP | _VARIANT).to_bytes(8 * _TAILS).hex()
    return [f"-{digits[i : i + 4]}-{digits[i + 4 : i + 16]}" for i in range(0, 16 * _TAILS, 16)]


def _prefix_of(ms: int) -> str:
    ms_hex = f"{ms & 0xFFFFFFFFFFFF:012x}"
    return f"{ms_hex[:8]}-{ms_hex[8:]}-7"


def new_id() -> str:
    """Return a new UUIDv7 string, greater than every id this process made before."""
    global _last_ms, _counter, _prefix, _tails
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if len(_tails) < 2:  # room for a tail, and a counter seed
            _tails = _fresh_tails()
        tails = _tails
        if now_ms > _last_ms:
            # A random counter seed: the digits after a tail's variant digit, 11 bits of
            # them to leave room to count.
            _last_ms, _counter = now_ms, int(tails.pop()[2:5], 16) & 0x7FF
            _prefix = _prefix_of(now_ms)
        else:
            _counter += 1
            if _counter > 0xFFF:
                _last_ms, _counter = _last_ms + 1, 0
                _prefix = _prefix_of(_last_ms)
        return _prefix + _COUNTER_HEX[_counter] + tails.pop()


def _reseed_after_fork() -> None:
    """A forked child must not reuse the random bits its parent has not used yet."""
    global _tails
    _tails = []


os.register_at_fork(after_in_child=_reseed_after_fork)


def is_uuid7(value: str) -> bool:
    """Tell whether ``value`` is a lower-case UUIDv7 string."""
    return UUID7_PATTERN.match(value) is not None


def uuid7_time(value: str) -> datetime:
    """Return the UTC millisecond timestamp embedded in a UUIDv7 string."""
    ms = uuid.UUID(value).int >> 80
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def pair_id(kind: str, source_id: str, target_id: str) -> str:
    """Return the id of the one ``kind`` edge from ``source_id`` to ``target_id``.

    A UUIDv8 (RFC 9562, custom) of the first 122 bits of their sha256: the same ends give
    the same id in every process, so recording an edge again, after a retry or a re-run,
    writes the same edge.
    """
    digest = bytearray(hashlib.sha256(f"{kind}\x1f{source_id}\x1f{target_id}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80
    digest[8] = (digest[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(digest)))
