"""Reading a moment from text: a duration before now (``7d``) or an ISO 8601 date or time.

The command line's ``--since``/``--until`` and the query builder share this, so ``7d``
means the same everywhere. Pure: the caller passes ``now``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["UNITS", "parse_when"]

#: Duration units and their lengths: seconds, minutes, hours, days, weeks.
UNITS: dict[str, timedelta] = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}

_DURATION = re.compile(r"^(?P<count>\d+)\s*(?P<unit>[a-z])$")

_FORMS = "a duration before now (30m, 24h, 7d, 2w) or an ISO 8601 date or datetime (2026-03-01T12:00Z)"


def parse_when(value: str, now: datetime) -> datetime:
    """Return the moment ``value`` names, as a timezone-aware UTC datetime.

    ``value`` is either a whole number and a unit (``s``, ``m``, ``h``, ``d`` or ``w``),
    meaning that long before ``now`` (``7d`` is seven days ago), or an ISO 8601 date or
    datetime; a date alone is midnight UTC, and a datetime without an offset is UTC.

    :param now: the moment durations count back from; must be timezone-aware.
    :raises ValueError: if ``value`` is neither form (the message says what is accepted),
        or if ``now`` is naive.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (for example datetime.now(timezone.utc))")
    text = value.strip()
    duration = _DURATION.match(text)
    if duration is not None:
        unit = duration["unit"]
        if unit not in UNITS:
            raise ValueError(f"{value!r}: unknown unit {unit!r}; use one of {', '.join(UNITS)}")
        try:
            return (now - int(duration["count"]) * UNITS[unit]).astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{value!r} reaches back before the year 1") from None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not {_FORMS}") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-14:00 is in the year 10000 in UTC
        raise ValueError(f"{value!r} is out of range in UTC (years 1 to 9999)") from None
