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


def new_id() -> str:
    """Return a new UUIDv7 string, greater than every id this process made before."""
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            _counter = int.from_bytes(os.urandom(2), "big") & 0x7FF  # leave room to count
        else:
            _counter += 1
            if _counter > 0xFFF:
                _last_ms += 1
                _counter = 0
        ms, counter = _last_ms, _counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def is_uuid7(value: str) -> bool:
    """Tell whether ``value`` is a lower-case UUIDv7 string."""
    return UUID7_PATTERN.match(value) is not None


def uuid7_time(value: str) -> datetime:
    """Return the UTC millisecond timestamp embedded in a UUIDv7 string."""
    ms = uuid.UUID(value).int >> 80
    return datetime.fromtimestamp(ms / 1000, tz=UTC)
