"""The ``llm-memory-graph templates`` commands: publish, list, show, label, diff, compare, render.

    llm-memory-graph templates publish greeting.j2 --name support --message "warmer" --label staging
    llm-memory-graph templates label support production v3
    llm-memory-graph templates compare support v2 v3 --since 7d

A version is written ``3`` or ``v3``. ``cli.py`` registers the group.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..schema import PromptTemplate, VariableSpec, utcnow
from ..spec import TemplateVersionInfo, VersionStats
from ..views.text import visible
from ..when import parse_when
from .common import StoreChoice, echo_json, open_graph, output_options, store_options

__all__ = ["templates"]


def _version_text(info: TemplateVersionInfo) -> str:
    v = info.version
    labels = f"  [{', '.join(info.labels)}]" if info.labels else ""
    who = f" by {v.author}" if v.author else ""
    why = f": {v.message}" if v.message else ""
    return f"v{v.version}  {v.created_at:%Y-%m-%d %H:%M:%S}{who}{why}{labels}"


def _stats_table(rows: list[VersionStats]) -> str:
    head = ["version", "uses", "completions", "error %", "p50 ms", "p95 ms", "tokens", "cost $", "feedback"]
    body = [
        [
            f"v{r.version}",
            str(r.uses),
            str(r.completions),
            "-" if r.error_rate is None else f"{100 * r.error_rate:.1f}",
            "-" if r.latency_p50_ms is None else f"{r.latency_p50_ms:.0f}",
            "-" if r.latency_p95_ms is None else f"{r.latency_p95_ms:.0f}",
            str(r.total_tokens),
            f"{r.cost_usd:.4f}",
            "-" if r.feedback_avg is None else f"{r.feedback_avg:.2f} ({r.feedback_count})",
        ]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in [head, *body]
    )


def _variables(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``--var KEY=VALUE``: JSON when the value parses as JSON (numbers, true, lists), else text."""
    found: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise click.ClickException(f"--var {pair!r}: write KEY=VALUE")
        try:
            found[key] = json.loads(raw)
        except json.JSONDecodeError:
            found[key] = raw
    return found


@click.group("templates")
def templates() -> None:
    """Publish prompt templates, move their labels, and compare their versions."""


@templates.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="The template's name; it is created on first publish.")
@click.option("--message", help="Why this version exists, like a commit message.")
@click.option("--label", help="Move this label (say staging) to the new version.")
@click.option("--author", help="Who published it.")
@click.option("--parent", metavar="VERSION", help="A version of the same template this one extends.")
@click.option(
    "--variables",
    "variables_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSON list of variable specs (name, type, required, default, description); by "
    "default every variable the text uses, as a required string.",
)
@store_options
@output_options
def publish(
    file: Path,
    name: str,
    message: str | None,
    label: str | None,
    author: str | None,
    parent: str | None,
    variables_file: Path | None,
    store: StoreChoice,
    as_json: bool,
) -> None:
    """Publish FILE (Jinja text) as the next version; identical text returns the existing one."""
    try:
        specs = (
            None
            if variables_file is None
            else [VariableSpec.model_validate(v) for v in json.loads(variables_file.read_text())]
        )
    except (ValueError, TypeError) as exc:
        raise click.ClickException(f"--variables {variables_file}: {exc}".splitlines()[0]) from exc
    with open_graph(store, create=True) as graph:
        version = graph.publish_template(
            name,
            file.read_text(),
            variables=specs,
            parent=parent,
            message=message,
            author=author,
            label=label,
        )
    if as_json:
        echo_json(version.model_dump(mode="json"))
    else:
        click.echo(f"{name} v{version.version}  {version.id}")


@templates.command("list")
@store_options
@output_options
def list_(store: StoreChoice, as_json: bool) -> None:
    """List every template with its newest version and labels."""
    with open_graph(store) as graph:
        names = sorted(
            t.name for t in graph.query().types("PromptTemplate").stream() if isinstance(t, PromptTemplate)
        )
        rows = {n: graph.template_history(n) for n in names}
    if as_json:
        echo_json({n: [i.model_dump(mode="json") for i in h] for n, h in rows.items()})
        return
    for n, history in rows.items():
        newest = history[-1] if history else None
        click.echo(visible(f"{n}  " + (_version_text(newest) if newest else "(no versions)")))


@templates.command("show")
@click.argument("name")
@click.option("--version", metavar="V", help="A version (3 or v3); default the newest.")
@click.option("--label", help="The version this label points at.")
@store_options
@output_options
def show(name: str, version: str | None, label: str | None, store: StoreChoice, as_json: bool) -> None:
    """Print one version's text (and, with --json, all of it); without options, the history."""
    with open_graph(store) as graph:
        if version is None and label is None:
            history = graph.template_history(name)
            if as_json:
                echo_json([i.model_dump(mode="json") for i in history])
            else:
                for info in history:
                    click.echo(visible(_version_text(info)))
            return
        chosen = graph.get_template_version(name, version=version, label=label)
    if as_json:
        echo_json(chosen.model_dump(mode="json"))
    else:
        click.echo(visible(chosen.body, newlines=True), nl=not chosen.body.endswith("\n"))


@templates.command("label")
@click.argument("name")
@click.argument("label")
@click.argument("version")
@click.option("--reason", help="Why the label moves (kept in its history).")
@click.option("--actor", help="Who moves it.")
@store_options
@output_options
def label_(
    name: str,
    label: str,
    version: str,
    reason: str | None,
    actor: str | None,
    store: StoreChoice,
    as_json: bool,
) -> None:
    """Point LABEL at VERSION (a rollback is just another move)."""
    with open_graph(store, write=True) as graph:
        move = graph.move_label(name, label, version, actor=actor, reason=reason)
        target = graph.get(move.target_id)
    if as_json:
        echo_json(move.model_dump(mode="json"))
    else:
        click.echo(f"{name}: {label} -> v{getattr(target, 'version', '?')}")


@templates.command("diff")
@click.argument("name")
@click.argument("old")
@click.argument("new")
@store_options
@output_options
def diff(name: str, old: str, new: str, store: StoreChoice, as_json: bool) -> None:
    """Print a unified diff between two versions' text."""
    with open_graph(store) as graph:
        text = graph.diff_versions(name, old, new)
    if as_json:
        echo_json({"diff": text})
    else:
        click.echo(visible(text, newlines=True), nl=False)


@templates.command("compare")
@click.argument("name")
@click.argument("versions", nargs=-1, required=True)
@click.option("--since", metavar="WHEN", help="Only from WHEN on: 7d, 24h, or an ISO date.")
@click.option("--until", metavar="WHEN", help="Only before WHEN.")
@store_options
@output_options
def compare(
    name: str,
    versions: tuple[str, ...],
    since: str | None,
    until: str | None,
    store: StoreChoice,
    as_json: bool,
) -> None:
    """Compare versions (A/B): uses, latency p50/p95, tokens, cost, feedback, error rate."""
    try:
        bounds = [None if w is None else parse_when(w, utcnow()) for w in (since, until)]
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    with open_graph(store) as graph:
        rows = graph.compare_versions(name, *versions, since=bounds[0], until=bounds[1])
    if as_json:
        echo_json([r.model_dump(mode="json") for r in rows])
    else:
        click.echo(_stats_table(rows))


@templates.command("render")
@click.argument("name")
@click.option("--version", metavar="V", help="A version (3 or v3).")
@click.option("--label", help="The version this label points at.")
@click.option("--var", "pairs", multiple=True, metavar="KEY=VALUE", help="A variable, repeatable.")
@store_options
@output_options
def render_(
    name: str,
    version: str | None,
    label: str | None,
    pairs: tuple[str, ...],
    store: StoreChoice,
    as_json: bool,
) -> None:
    """Print a version rendered with --var values (nothing is recorded)."""
    if (version is None) == (label is None):
        raise click.ClickException("give --version or --label")
    with open_graph(store) as graph:
        text = graph.render_template(name, _variables(pairs), version=version, label=label)
    if as_json:
        echo_json({"text": text})
    else:
        click.echo(visible(text, newlines=True), nl=not text.endswith("\n"))
