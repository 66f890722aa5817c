"""``parse_when``: durations before now and ISO 8601 moments, always UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_memory_graph.when import UNITS, parse_when

NOW = datetime(2026, 3, 8, 12, 30, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("30m", NOW - timedelta(minutes=30), id="minutes"),
        pytest.param("24h", NOW - timedelta(hours=24), id="hours"),
        pytest.param("7d", NOW - timedelta(days=7), id="days"),
        pytest.param("2w", NOW - timedelta(weeks=2), id="weeks"),
        pytest.param("90s", NOW - timedelta(seconds=90), id="seconds"),
        pytest.param("0d", NOW, id="zero"),
        pytest.param(" 7 d ", NOW - timedelta(days=7), id="spaces"),
    ],
)
def test_a_duration_counts_back_from_now(value: str, expected: datetime) -> None:
    assert parse_when(value, NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC), id="date-is-midnight-utc"),
        pytest.param("2026-03-01T09:30", datetime(2026, 3, 1, 9, 30, tzinfo=UTC), id="naive-is-utc"),
        pytest.param("2026-03-01T09:30:00Z", datetime(2026, 3, 1, 9, 30, tzinfo=UTC), id="zulu"),
        pytest.param("2026-03-01T09:30:00+02:00", datetime(2026, 3, 1, 7, 30, tzinfo=UTC), id="offset"),
    ],
)
def test_an_iso_moment_is_read_as_utc(value: str, expected: datetime) -> None:
    found = parse_when(value, NOW)
    assert found == expected
    assert found.tzinfo is UTC


def test_the_result_is_utc_even_when_now_is_not() -> None:
    paris = NOW.astimezone(timezone(timedelta(hours=1)))
    found = parse_when("1h", paris)
    assert found == NOW - timedelta(hours=1) and found.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("7x", "unknown unit 'x'; use one of s, m, h, d, w", id="unknown-unit"),
        pytest.param("7D", "is not a duration before now", id="capital-unit"),
        pytest.param("-7d", "is not a duration before now", id="negative"),
        pytest.param("1.5h", "is not a duration before now", id="fraction"),
        pytest.param("yesterday", "or an ISO 8601 date or datetime", id="word"),
        pytest.param("", "is not a duration", id="empty"),
        pytest.param("2026-13-01", "is not a duration", id="bad-month"),
        pytest.param("999999999999w", "reaches back before the year 1", id="too-far"),
        pytest.param("5000000d", "reaches back before the year 1", id="before-year-one"),
    ],
)
def test_anything_else_is_refused_with_the_accepted_forms(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_when(value, NOW)


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("7d", NOW.replace(tzinfo=None))


@given(count=st.integers(0, 10_000), unit=st.sampled_from(sorted(UNITS)))
def test_every_duration_is_that_many_units_before_now(count: int, unit: str) -> None:
    assert NOW - parse_when(f"{count}{unit}", NOW) == count * UNITS[unit]
