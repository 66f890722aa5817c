"""Prompt templates: typed variables, bounded sandboxed rendering, inheritance, versions, diffs."""

from __future__ import annotations

from .rendering import (
    DEFAULT_LIMITS,
    PARENT,
    TemplateLimits,
    content_hash,
    infer_variables,
    parse_version_number,
    render,
    unified_diff,
    validate_variables,
)

__all__ = [
    "DEFAULT_LIMITS",
    "PARENT",
    "TemplateLimits",
    "content_hash",
    "infer_variables",
    "parse_version_number",
    "render",
    "unified_diff",
    "validate_variables",
]
