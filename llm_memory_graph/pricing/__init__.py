"""Token prices per model, versioned and effective-dated, and the cost of a call by them."""

from __future__ import annotations

from .completions import cost_of, priced, repriced
from .table import MAX_MODELS, ModelPrice, PriceTable

__all__ = ["MAX_MODELS", "ModelPrice", "PriceTable", "cost_of", "priced", "repriced"]
