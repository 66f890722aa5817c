"""The README's promises: its Python runs, and CI runs exactly its test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llm_memory_graph.schema import EDGE_RULES, EdgeType
from tests.fake_providers import provider_server

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def _sections_with_python() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    for section in re.split(r"^## ", README, flags=re.MULTILINE)[1:]:
        title = section.splitlines()[0].strip()
        blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
        if blocks:
            sections[title] = blocks
    return sections


SECTIONS = _sections_with_python()


@pytest.mark.parametrize(("title", "blocks"), list(SECTIONS.items()), ids=list(SECTIONS))
def test_every_python_example_in_the_readme_runs(
    title: str, blocks: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    with provider_server() as url:  # the "Record automatically" client talks to it
        monkeypatch.setenv("OPENAI_BASE_URL", f"{url}/v1")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        for i, code in enumerate(blocks):  # one section's examples build on each other
            exec(compile(code, f"README.md ({title}, example {i + 1})", "exec"), namespace)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    commands = [line for block in _blocks("sh") for line in block.splitlines() if "pytest" in line]
    assert len(commands) == 1
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert commands[0] in ci


def test_the_readme_quick_start_has_exactly_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"```sh\n", quick_start)) == 2


def test_the_readme_edge_table_lists_every_edge_type_with_its_input_end() -> None:
    rows = dict(re.findall(r"^\| ([A-Z_]+) \| [^|]+ \| (source|target) \|", README, flags=re.MULTILINE))
    assert rows == {str(t): EDGE_RULES[t].input_end for t in EdgeType}
