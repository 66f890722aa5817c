"""What a model call cost, from a versioned table of per-model token prices; no I/O but
reading the shipped table.

A table maps a model name to its prices over time (US dollars per 1M tokens: input, cached
input, output and, where a provider bills it apart, reasoning), each from an effective date.
A call is priced at the prices in force on its day, for the model that answered (else the
one asked for), matched exactly or by the longest name the model's starts with followed by
``-`` (``gpt-4o-mini-2024-07-18`` is ``gpt-4o-mini``). Input tokens include cached ones, as
OpenAI counts them.

Every completion priced from a table keeps the table's ``version``, so a cost can be
audited and recomputed (``MemoryGraph.reprice``); a table with overrides has a version of its
own, derived from the shipped one and the overrides.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from ..errors import InvalidInputError

__all__ = ["MAX_MODELS", "ModelPrice", "PriceTable"]

#: Most models one table holds.
MAX_MODELS = 10_000


@dataclass(frozen=True)
class ModelPrice:
    """One model's prices from ``starts`` on, in US dollars per 1M tokens."""

    starts: date
    input: float
    output: float
    cached_input: float | None = None
    reasoning: float | None = None

    def cost(self, input_tokens: int, output_tokens: int, cached: int = 0, reasoning: int = 0) -> float:
        """What a call with these token counts cost."""
        cached = min(cached, input_tokens)
        billed = (input_tokens - cached) * self.input + cached * (
            self.cached_input if self.cached_input is not None else self.input
        )
        if self.reasoning is not None:
            reasoning = min(reasoning, output_tokens)
            billed += (output_tokens - reasoning) * self.output + reasoning * self.reasoning
        else:
            billed += output_tokens * self.output
        return round(billed / 1_000_000, 10)


def _price(model: str, entry: Mapping[str, Any]) -> ModelPrice:
    try:
        numbers = {k: entry.get(k) for k in ("input", "output", "cached_input", "reasoning")}
        for key, value in numbers.items():
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or value < 0
            ):
                raise ValueError(f"{key} must be a number of dollars, 0 or more")
        return ModelPrice(
            starts=date.fromisoformat(str(entry["from"])),
            input=float(entry["input"]),
            output=float(entry["output"]),
            cached_input=None if numbers["cached_input"] is None else float(numbers["cached_input"]),
            reasoning=None if numbers["reasoning"] is None else float(numbers["reasoning"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise InvalidInputError(f"the price of {model!r} is not valid: {detail}", field="prices") from None


class PriceTable:
    """Per-model token prices with effective dates, and the version that names them.

    table = PriceTable.shipped().with_prices({"my-model": [{"from": "2025-01-01", "input": 1, "output": 2}]})
    graph = MemoryGraph.open("graph.db", prices=table)
    """

    def __init__(self, version: str, models: Mapping[str, list[ModelPrice]]) -> None:
        if len(models) > MAX_MODELS:
            raise InvalidInputError(f"a price table holds at most {MAX_MODELS:,} models", field="prices")
        self.version = version
        self._models = {name: sorted(prices, key=lambda p: p.starts) for name, prices in models.items()}

    def __repr__(self) -> str:
        return f"PriceTable(version={self.version!r}, models={len(self._models)})"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PriceTable:
        """A table from its JSON form: ``{"version": ..., "models": {name: [{"from", "input", ...}]}}``."""
        models = data.get("models")
        if not isinstance(models, Mapping) or not isinstance(data.get("version"), str):
            raise InvalidInputError("a price table has a 'version' and 'models'", field="prices")
        return cls(
            data["version"], {str(m): [_price(str(m), e) for e in entries] for m, entries in models.items()}
        )

    @classmethod
    def shipped(cls) -> PriceTable:
        """The table this version of the library ships (``pricing/prices.json``), read and
        parsed once per process: every graph opened prices from it by default, and a table
        is never changed in place (``with_prices`` makes a new one)."""
        return _shipped()

    def with_prices(self, models: Mapping[str, list[Mapping[str, Any]]]) -> PriceTable:
        """A table with ``models``' prices replacing (or adding to) this one's; its version
        names this one's and a digest of the overrides."""
        digest = hashlib.sha256(json.dumps(models, sort_keys=True, default=str).encode()).hexdigest()[:8]
        merged = dict(self._models) | {
            str(m): [_price(str(m), e) for e in entries] for m, entries in models.items()
        }
        return PriceTable(f"{self.version}+{digest}", merged)

    def price(self, model: str | None, at: datetime | date) -> ModelPrice | None:
        """The prices of ``model`` in force on ``at``'s day, or ``None`` when unknown."""
        if not model:
            return None
        prices = self._models.get(model)
        if prices is None:
            names = [n for n in self._models if model.startswith(f"{n}-")]
            prices = self._models[max(names, key=len)] if names else None
        if not prices:
            return None
        day = at.date() if isinstance(at, datetime) else at
        found = [p for p in prices if p.starts <= day]
        return found[-1] if found else None


@cache
def _shipped() -> PriceTable:
    text = (resources.files(__package__) / "prices.json").read_text(encoding="utf-8")
    return PriceTable.from_json(json.loads(text))
