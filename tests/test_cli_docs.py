"""Every CLI command is documented: in its own help, and in the README's "## CLI" section."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from llm_memory_graph.cli import cli

_README = Path(__file__).resolve().parents[1] / "README.md"
_COMMANDS = sorted(cli.commands)


def _cli_section() -> str:
    """Return the README's "## CLI" section, or skip the test when there is none yet."""
    text = _README.read_text(encoding="utf-8") if _README.is_file() else ""
    match = re.search(r"^## CLI[^\n]*\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    if match is None:
        pytest.skip(
            f"{_README.name} has no '## CLI' section yet, so there is nothing to check commands against"
        )
    return match.group(1)


def test_the_group_has_help() -> None:
    assert cli.help


def test_the_group_has_every_expected_command() -> None:
    assert _COMMANDS == [
        "demo",
        "find",
        "lineage",
        "migrate",
        "report",
        "reprice",
        "serve-metrics",
        "show",
        "stats",
        "templates",
        "transcript",
    ]


@pytest.mark.parametrize("name", _COMMANDS, ids=_COMMANDS)
def test_every_command_has_help(name: str) -> None:
    command = cli.commands[name]

    assert command.help
    assert command.get_short_help_str()


@pytest.mark.parametrize("name", _COMMANDS, ids=_COMMANDS)
def test_every_option_has_help(name: str) -> None:
    undocumented = [
        p.name
        for p in cli.commands[name].params
        if isinstance(p, click.Option) and not p.help and p.name != "help"
    ]

    assert undocumented == []


@pytest.mark.parametrize("name", _COMMANDS, ids=_COMMANDS)
def test_every_command_takes_db_uri_and_json(name: str) -> None:
    command = cli.commands[name]
    leaves = (
        list(command.commands.values())
        if isinstance(command, click.Group) and name != "migrate"
        else [command]
    )

    for leaf in leaves:
        assert {"--db", "--uri", "--json"} <= {opt for p in leaf.params for opt in p.opts}, leaf.name


def test_migrate_status_is_documented_and_takes_the_store_options() -> None:
    status = cli.commands["migrate"].commands["status"]  # type: ignore[attr-defined]

    assert status.help
    assert {"--uri", "--json"} <= {opt for p in status.params for opt in p.opts}


@pytest.mark.parametrize("name", _COMMANDS, ids=_COMMANDS)
def test_every_command_appears_in_the_readme_cli_section(name: str) -> None:
    section = _cli_section()

    assert re.search(rf"\b{re.escape(name)}\b", section), (
        f"command {name!r} is missing from README.md '## CLI'"
    )


def test_every_templates_subcommand_has_help_and_is_in_the_readme() -> None:
    group = cli.commands["templates"]
    assert isinstance(group, click.Group)
    section = _cli_section()
    for name, command in group.commands.items():
        assert command.help, name
        assert f"templates {name}" in section, name
