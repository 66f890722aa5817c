"""Pricing a completion from a ``PriceTable``; no I/O."""

from __future__ import annotations

from ..schema import Completion
from .table import PriceTable

__all__ = ["cost_of", "priced", "repriced"]


def cost_of(node: Completion, table: PriceTable) -> float | None:
    """What the call cost by ``table``, or ``None`` without token counts or a known model."""
    if node.input_tokens is None and node.output_tokens is None:
        return None
    price = table.price(node.response_model, node.created_at) or table.price(
        node.request_model, node.created_at
    )
    if price is None:
        return None
    return price.cost(
        node.input_tokens or 0,
        node.output_tokens or 0,
        node.cached_input_tokens or 0,
        node.reasoning_tokens or 0,
    )


def priced(node: Completion, table: PriceTable | None) -> Completion:
    """``node`` with its cost from ``table`` and the table's version, when the call gave no cost."""
    if table is None or node.cost_usd is not None:
        return node
    cost = cost_of(node, table)
    return (
        node if cost is None else node.model_copy(update={"cost_usd": cost, "price_version": table.version})
    )


def repriced(node: Completion, table: PriceTable) -> Completion | None:
    """``node`` with its cost recomputed from ``table``, or ``None`` when nothing changes. A
    cost the caller gave (one with no price version) is the caller's and is kept."""
    if node.cost_usd is not None and node.price_version is None:
        return None
    cost = cost_of(node, table)
    if cost is None or (cost == node.cost_usd and node.price_version == table.version):
        return None
    return node.model_copy(update={"cost_usd": cost, "price_version": table.version})
