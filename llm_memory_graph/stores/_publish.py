"""What every store checks when it publishes a template version with a label; no I/O."""

from __future__ import annotations

from ..errors import InvalidInputError
from ..schema import Labels, TemplateVersion

__all__ = ["check_label", "label_at"]


def check_label(version: TemplateVersion, label: Labels | None) -> None:
    """Refuse a label move that does not start at the version's template, before any I/O."""
    if label is not None and label.source_id != version.template_id:
        raise InvalidInputError(
            f"the label move starts at {label.source_id}, not at the version's template "
            f"{version.template_id}",
            field="label.source_id",
        )


def label_at(label: Labels, version: TemplateVersion) -> Labels:
    """The label move pointed at the stored version (a new one, or the one with the same content)."""
    return label.model_copy(update={"target_id": version.id})
