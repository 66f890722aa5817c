"""The wheel carries the top-level ``cypher/`` and ``migrations/`` folders inside the package,
so an installed package finds every named query and migration without the repository."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel with hatchling's PEP 517 hook, in a subprocess run from the checkout."""
    out = tmp_path_factory.mktemp("wheel")
    build = f"import hatchling.build as b; print(b.build_wheel({str(out)!r}))"
    name = subprocess.run(
        [sys.executable, "-c", build], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    return out / name


def _shipped(top: str) -> set[str]:
    return {str(p.relative_to(ROOT)) for p in (ROOT / top).rglob("*.cypher")}


def test_every_cypher_file_is_inside_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"llm_memory_graph/{name}" for name in _shipped("cypher") | _shipped("migrations")}
    assert expected, "the checkout has no .cypher files"
    assert expected - names == set()


def test_an_installed_wheel_reads_its_queries_from_itself(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # -I: no PYTHONPATH, no user site; the unpacked wheel goes first, before any editable install.
    probe = (
        f"import sys; sys.path.insert(0, {str(site)!r}); import llm_memory_graph, pathlib\n"
        "from llm_memory_graph.stores.neo4j._queries import cypher_folder, migrations, queries\n"
        "print(len(queries()), len(migrations()), pathlib.Path(llm_memory_graph.__file__).parent / 'cypher'"
        " == pathlib.Path(str(cypher_folder())))"
    )
    shown = subprocess.run(
        [sys.executable, "-I", "-c", probe], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout.split()
    assert shown == [
        str(len(list((ROOT / "cypher").glob("*.cypher")))),
        str(len(list((ROOT / "migrations").glob("V*.cypher")))),
        "True",
    ]


def test_the_price_table_ships_in_the_wheel(wheel: Path) -> None:
    assert "llm_memory_graph/pricing/prices.json" in zipfile.ZipFile(wheel).namelist()
