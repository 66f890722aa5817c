"""Time-ordered UUIDv7 ids (RFC 9562), made on the client so writes are idempotent by id.

Python 3.11 has no ``uuid.uuid7``. Ids made in the same millisecond by this process stay
strictly increasing: the 12-bit ``rand_a`` field is a counter seeded at random each
millisecond, and when it overflows the timestamp is borrowed from the next millisecond.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from datetime import UTC, datetime

__all__ = ["UUID7_PATTERN", "is_uuid7", "new_id", "uuid7_time"]

UUID7_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

_lock = threading.Lock()
_last_ms = 0
_counter = 0

#: Random bits are read from the OS a few kilobytes at a time (as hex text, ready to
#: splice into ids), not twice per id; a forked child starts a fresh pool.
_POOL_BYTES = 4096
_pool = ""
_used = 0
#: The hex digit that carries the RFC 9562 variant (0b10) and two random bits.
_VARIANT = {f"{i:x}": f"{8 | (i & 3):x}" for i in range(16)}
_ms_hex = ""
_ms_of_hex = -1


def new_id() -> str:
    """Return a new UUIDv7 string, greater than every id this process made before."""
    global _last_ms, _counter, _pool, _used, _ms_hex, _ms_of_hex
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if _used + 20 > len(_pool):
            _pool, _used = os.urandom(_POOL_BYTES).hex(), 0
        if now_ms > _last_ms:
            _last_ms = now_ms
            _counter = int(_pool[_used : _used + 3], 16) & 0x7FF  # leave room to count
            _used += 3
        else:
            _counter += 1
            if _counter > 0xFFF:
                _last_ms += 1
                _counter = 0
        if _last_ms != _ms_of_hex:
            _ms_hex, _ms_of_hex = f"{_last_ms & 0xFFFFFFFFFFFF:012x}", _last_ms
        ms_hex, counter = _ms_hex, _counter
        rand = _pool[_used : _used + 16]
        _used += 16
    return f"{ms_hex[:8]}-{ms_hex[8:]}-7{counter:03x}-{_VARIANT[rand[0]]}{rand[1:4]}-{rand[4:]}"


def _reseed_after_fork() -> None:
    """A forked child must not reuse the random bits its parent has not used yet."""
    global _pool, _used
    _pool, _used = "", 0


os.register_at_fork(after_in_child=_reseed_after_fork)


def is_uuid7(value: str) -> bool:
    """Tell whether ``value`` is a lower-case UUIDv7 string."""
    return UUID7_PATTERN.match(value) is not None


def uuid7_time(value: str) -> datetime:
    """Return the UTC millisecond timestamp embedded in a UUIDv7 string."""
    ms = uuid.UUID(value).int >> 80
    return datetime.fromtimestamp(ms / 1000, tz=UTC)
